import { AsyncLocalStorage } from 'node:async_hooks';
import type { Kysely } from 'kysely';
import type { TransactionOptions } from './types.ts';

interface OpenTransaction {
  trx: Kysely<any>;
  options: TransactionOptions;
}

/**
 * A transaction runner that hands the open transaction to nested calls instead of deadlocking.
 *
 * The async context that finds a nested call costs every promise in the process some work while
 * it is enabled, so it is enabled only while a transaction is open: reads served between writes
 * run without it.
 */
export function createTransactionRunner() {
  const current = new AsyncLocalStorage<OpenTransaction>();
  let open = 0;
  return {
    /** Whether the caller of the transaction running here has gone (see TransactionOptions). */
    abandoned: (): boolean => current.getStore()?.options.abandoned?.() ?? false,
    run<T>(
      db: Kysely<any>,
      fn: (trx: Kysely<any>) => Promise<T>,
      options: TransactionOptions = {},
    ): Promise<T> {
      const running = current.getStore();
      if (running) return fn(running.trx);
      return db.transaction().execute(async (trx) => {
        open++;
        try {
          return await current.run({ trx, options }, () => fn(trx));
        } finally {
          if (--open === 0) current.disable();
        }
      });
    },
  };
}
