import { AsyncLocalStorage } from 'node:async_hooks';
import type { Kysely } from 'kysely';

interface Scope {
  /** The open transaction, when there is one. */
  trx?: Kysely<any>;
  /** Aborted when the caller has gone (see TransactionOptions). */
  signal?: AbortSignal;
}

/**
 * Runs transactions and caller-bound reads in an async scope: a nested transaction call finds
 * the open transaction instead of deadlocking, and the connections find the caller's signal.
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
    signal: (): AbortSignal | undefined => current.getStore()?.signal,
    transaction<T>(db: Kysely<any>, fn: (trx: Kysely<any>) => Promise<T>, signal?: AbortSignal): Promise<T> {
      const running = current.getStore()?.trx;
      if (running) return fn(running);
      return db.transaction().execute((trx) => within({ trx, signal }, () => fn(trx)));
    },
    withSignal<T>(signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
      if (!signal) return fn();
      return within({ ...current.getStore(), signal }, fn);
    },
  };
}
