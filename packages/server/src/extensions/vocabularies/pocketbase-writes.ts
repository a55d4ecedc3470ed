import { AsyncLocalStorage } from 'node:async_hooks';
import { isThenable } from './resolve.ts';

/**
 * A write a hook file started (`$app.dao().saveRecord(…)`): PocketBase's call returns nothing,
 * ours returns this, which `await` waits for. Whoever awaits it handles its failure; a failure
 * nobody awaited is the handler's (see `HandlerWrites.settle`).
 */
export class PendingWrite<T> implements PromiseLike<T> {
  #observed = false;

  constructor(readonly promise: Promise<T>) {
    promise.catch(() => {});
  }

  get observed(): boolean {
    return this.#observed;
  }

  // biome-ignore lint/suspicious/noThenProperty: awaiting the write is the point
  then<A = T, B = never>(
    onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    this.#observed = true;
    return this.promise.then(onFulfilled, onRejected);
  }

  catch<B = never>(onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<T | B> {
    return this.then(undefined, onRejected);
  }

  finally(onFinally?: (() => void) | null): Promise<T> {
    this.#observed = true;
    return this.promise.finally(onFinally);
  }
}

/**
 * The writes one handler invocation started, one after the other in the order they were called
 * (the first at once), as PocketBase's synchronous calls would run. A write that failed without
 * being awaited stands for PocketBase's throw at that call: the writes called after it are not
 * made, and the handler fails with its error once it returns.
 */
export class HandlerWrites {
  readonly #started: PendingWrite<unknown>[] = [];
  readonly #failed = new Map<PendingWrite<unknown>, unknown>();
  /** The last write started, settled either way; undefined once it is done. */
  #last: Promise<void> | undefined;

  start<T>(write: () => Promise<T>): PendingWrite<T> {
    const run = (): Promise<T> => {
      const failed = this.#unobservedFailure();
      return failed ? Promise.reject(failed.error) : write();
    };
    const promise = this.#last ? this.#last.then(run) : run();
    const pending = new PendingWrite(promise);
    this.#started.push(pending as PendingWrite<unknown>);
    const last = promise.then(
      () => undefined,
      (error: unknown) => {
        this.#failed.set(pending as PendingWrite<unknown>, error);
      },
    );
    this.#last = last;
    void last.then(() => {
      if (this.#last === last) this.#last = undefined;
    });
    return pending;
  }

  #unobservedFailure(): { error: unknown } | undefined {
    for (const [pending, error] of this.#failed) if (!pending.observed) return { error };
    return undefined;
  }

  /**
   * Runs `fn` once every write started is done (at once when none is under way), or throws the
   * first failure nobody awaited instead.
   */
  afterWrites<T>(fn: () => T): T | Promise<T> {
    if (this.#last) return this.settle().then(fn);
    const failed = this.#unobservedFailure();
    if (failed) throw failed.error;
    return fn();
  }

  /** Whether no write was started. */
  get none(): boolean {
    return this.#started.length === 0;
  }

  /**
   * Waits for every write started, those started meanwhile too; then throws the first failure
   * nobody awaited (unless `quietly`).
   */
  async settle(quietly = false): Promise<void> {
    while (this.#last) await this.#last;
    const failed = this.#unobservedFailure();
    if (failed && !quietly) throw failed.error;
  }
}

/** The writes of the handler running now. */
const running = new AsyncLocalStorage<HandlerWrites>();

/** The writes of the handler running now, if a handler is running. */
export function currentWrites(): HandlerWrites | undefined {
  return running.getStore();
}

/**
 * Runs a hook file's handler (hook, route, cron job) so that it counts as finished once the
 * writes it started are done: its result is passed on as it is when it started none, else once
 * they are done; a write that failed without being awaited fails the handler, as PocketBase's
 * throwing call would have. A handler that throws still waits for its writes first.
 */
export function trackWrites(handler: () => unknown): unknown {
  const writes = new HandlerWrites();
  let result: unknown;
  try {
    result = running.run(writes, handler);
  } catch (error) {
    if (writes.none) throw error;
    return writes.settle(true).then(() => Promise.reject(error));
  }
  if (isThenable(result))
    return Promise.resolve(result).then(
      async (value) => {
        await writes.settle();
        return value;
      },
      async (error: unknown) => {
        await writes.settle(true);
        throw error;
      },
    );
  if (writes.none) return result;
  return writes.settle().then(() => result);
}
