/** A value now, or a promise of it: what a step that is usually synchronous returns. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * `next(value)` at once when `value` is not a promise, else once it resolves: a read that needs
 * nothing asynchronous then costs no promise and no turn of the microtask queue.
 */
export function andThen<T, R>(value: MaybePromise<T>, next: (value: T) => MaybePromise<R>): MaybePromise<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}
