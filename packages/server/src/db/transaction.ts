import { AsyncLocalStorage } from 'node:async_hooks';
import type { Kysely } from 'kysely';

/**
 * A transaction runner that hands the open transaction to nested calls instead of deadlocking.
 *
 * The async context that finds a nested call costs every promise in the process some work while
 * it is enabled, so it is enabled only while a transaction is open: reads served between writes
 * run without it.
 */
export function createTransactionRunner(db: Kysely<any>) {
  const current = new AsyncLocalStorage<Kysely<any>>();
  let open = 0;
  return <T>(fn: (trx: Kysely<any>) => Promise<T>): Promise<T> => {
    const trx = current.getStore();
    if (trx) return fn(trx);
    return db.transaction().execute(async (trx) => {
      open++;
      try {
        return await current.run(trx, () => fn(trx));
      } finally {
        if (--open === 0) current.disable();
      }
    });
  };
}
