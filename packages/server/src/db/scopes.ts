import { AsyncLocalStorage } from 'node:async_hooks';
import type { Kysely } from 'kysely';
import type { Caller } from './types.ts';

interface Scope {
  /** The open transaction, when there is one. */
  trx?: Kysely<any>;
  /** Who the work runs for (see TransactionOptions). */
  caller?: Caller;
  /** False once the work that opened the scope has ended. */
  open: boolean;
}

/** How long the async context stays enabled after the last scope closed. */
const DISABLE_AFTER_IDLE_MS = 1000;

/**
 * Runs transactions and caller-bound reads in an async scope: a nested transaction call finds
 * the open transaction instead of deadlocking, and the connections find who it runs for.
 *
 * Work started inside a scope may go on after it ended (a promise chain left running, the code
 * after an around handler's `next()`): it still carries the scope in its async context, so a
 * scope is closed when its work ends, and a closed one counts as none. (Disabling the storage
 * does not clear it for such work on every Node version: on Node 24 it only clears the caller's
 * own context.)
 *
 * The async context costs every promise in the process some work while it is enabled (before
 * Node 24), so it is disabled once no scope has been open for a while: reads served between
 * writes run without it. Not at once: enabling it again costs more than a write's promises do.
 */
export function createScopes(idleMs = DISABLE_AFTER_IDLE_MS) {
  const current = new AsyncLocalStorage<Scope>();
  let open = 0;
  let idleTimer: NodeJS.Timeout | undefined;
  const disableWhenIdle = () => {
    idleTimer = undefined;
    if (open === 0) current.disable();
  };

  const active = (): Scope | undefined => {
    const scope = current.getStore();
    return scope?.open ? scope : undefined;
  };

  async function within<T>(scope: Scope, fn: () => Promise<T>): Promise<T> {
    open++;
    try {
      return await current.run(scope, fn);
    } finally {
      scope.open = false;
      if (--open === 0 && !idleTimer) {
        idleTimer = setTimeout(disableWhenIdle, idleMs);
        idleTimer.unref();
      }
    }
  }

  return {
    caller: (): Caller | undefined => active()?.caller,
    transaction<T>(db: Kysely<any>, fn: (trx: Kysely<any>) => Promise<T>, caller?: Caller): Promise<T> {
      const running = active()?.trx;
      if (running) return fn(running);
      return db.transaction().execute((trx) => within({ trx, caller, open: true }, () => fn(trx)));
    },
    withCaller<T>(caller: Caller | undefined, fn: () => Promise<T>): Promise<T> {
      if (!caller) return fn();
      return within({ trx: active()?.trx, caller, open: true }, fn);
    },
  };
}
