import { AsyncLocalStorage } from 'node:async_hooks';
import type { Kysely } from 'kysely';
import type { Caller } from './types.ts';

interface Scope {
  /** The open transaction, when there is one. */
  trx?: Kysely<any>;
  /** Who the work runs for (see TransactionOptions). */
  caller?: Caller;
}

/**
 * Runs transactions and caller-bound reads in an async scope: a nested transaction call finds
 * the open transaction instead of deadlocking, and the connections find who it runs for.
 *
 * The async context costs every promise in the process some work while it is enabled, so it is
 * enabled only while a scope is open: reads served between writes run without it.
 */
export function createScopes() {
  const current = new AsyncLocalStorage<Scope>();
  let open = 0;

  async function within<T>(scope: Scope, fn: () => Promise<T>): Promise<T> {
    open++;
    try {
      return await current.run(scope, fn);
    } finally {
      if (--open === 0) current.disable();
    }
  }

  return {
    caller: (): Caller | undefined => current.getStore()?.caller,
    transaction<T>(db: Kysely<any>, fn: (trx: Kysely<any>) => Promise<T>, caller?: Caller): Promise<T> {
      const running = current.getStore()?.trx;
      if (running) return fn(running);
      return db.transaction().execute((trx) => within({ trx, caller }, () => fn(trx)));
    },
    withCaller<T>(caller: Caller | undefined, fn: () => Promise<T>): Promise<T> {
      if (!caller) return fn();
      return within({ ...current.getStore(), caller }, fn);
    },
  };
}
