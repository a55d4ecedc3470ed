import { AsyncLocalStorage } from 'node:async_hooks';
import type { Kysely } from 'kysely';

/** A transaction runner that hands the open transaction to nested calls instead of deadlocking. */
export function createTransactionRunner(db: Kysely<any>) {
  const current = new AsyncLocalStorage<Kysely<any>>();
  return <T>(fn: (trx: Kysely<any>) => Promise<T>): Promise<T> => {
    const open = current.getStore();
    if (open) return fn(open);
    return db.transaction().execute((trx) => current.run(trx, () => fn(trx)));
  };
}
