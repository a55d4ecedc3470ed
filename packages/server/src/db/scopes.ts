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
 * And a transaction is put in it only when `scoped()` says code that may call back in can run
 * inside it (hooks of an app or extension): Sluice's own code hands the transaction on itself.
 * A transaction left out still tells its connection who it runs for, through `opening`.
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

  let scoped: () => boolean = () => true;
  let opening: Caller | undefined;

  return {
    caller: (): Caller | undefined => active()?.caller,
    /**
     * The caller of the transaction whose connection is being made, if it was opened outside
     * the async context: Kysely asks the driver for that connection synchronously, before
     * `transaction` returns.
     */
    openingCaller: (): Caller | undefined => opening,
    /** Whether transactions go in the async context (by default, all of them). */
    scopeTransactionsWhen(predicate: () => boolean): void {
      scoped = predicate;
    },
    transaction<T>(db: Kysely<any>, fn: (trx: Kysely<any>) => Promise<T>, caller?: Caller): Promise<T> {
      const running = active()?.trx;
      if (running) return fn(running);
      if (scoped())
        return db.transaction().execute((trx) => within({ trx, caller, open: true }, () => fn(trx)));
      opening = caller;
      try {
        return db.transaction().execute(fn);
      } finally {
        opening = undefined;
      }
    },
    withCaller<T>(caller: Caller | undefined, fn: () => Promise<T>): Promise<T> {
      if (!caller) return fn();
      return within({ trx: active()?.trx, caller, open: true }, fn);
    },
  };
}
