import { SluiceError } from './errors.ts';
import { type FilterStopped, isStopped } from './stopped.ts';

/**
 * An around handler: the code before `next()` runs as a filter would (inside the operation's
 * transaction, in the filter order); `next()` lets the operation go on and resolves with its
 * committed result (the event's action meta, or the final payload of an event without an
 * action), or rejects when the operation fails or rolls back. A handler that ends without
 * calling `next()` aborts the operation with `OperationSkipped`.
 */
export type AroundHandler<P = any, M = any, C = any, R = any> = (
  payload: P,
  meta: M,
  ctx: C,
  next: (payload?: P) => Promise<R>,
) => unknown;

/** Why an around handler's `next()` rejects when its operation is undone. */
export class OperationRolledBack extends Error {
  constructor() {
    super('The operation was rolled back.');
    this.name = 'OperationRolledBack';
  }
}

/** A response a handler made in place of the operation's (PocketBase's `e.json()` before no `e.next()`). */
export interface SkippedResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * Why an operation did not take place: an around handler ended without calling `next()`. Its
 * transaction rolls back like any aborted operation's; over HTTP the request answers with the
 * handler's `response`, else `200` with an empty body (as PocketBase answers a request whose
 * hook wrote nothing). A step that can go without (a mail, a realtime message) is skipped.
 */
export class OperationSkipped extends SluiceError {
  constructor(readonly response?: SkippedResponse) {
    super(response?.status ?? 200, 'SLUICE_OPERATION_SKIPPED', 'A hook did not let the operation proceed.');
  }
}

interface Waiting {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}

/**
 * The operation a filter and its action belong to: the `state` object every handler of one
 * operation shares (DESIGN §1.7), else the context itself.
 */
function operationOf(ctx: unknown): object | undefined {
  if (ctx === null || typeof ctx !== 'object') return undefined;
  const state = (ctx as { state?: unknown }).state;
  return state !== null && typeof state === 'object' ? state : ctx;
}

/** The transaction's action scope (structurally: the scope module depends on this one). */
interface Scope {
  readonly open: boolean;
  onCommit(fn: () => void): void;
  onRollback(fn: () => void): void;
}

function scopeOf(ctx: unknown): Scope | undefined {
  const scope = (ctx as { scope?: Partial<Scope> }).scope;
  return scope?.open === true && typeof scope.onRollback === 'function' ? (scope as Scope) : undefined;
}

/**
 * One around registration: its filter part, and the operations waiting in its `next()`. A
 * stack per operation, because a handler's own writes may run the same event again inside
 * the operation, and the inner one settles first.
 */
export class AroundPart {
  readonly #waiting = new WeakMap<object, Waiting[]>();

  /** `track` follows the rest of a handler like an action: `drain()` waits for it, its failure is reported. */
  constructor(
    private readonly handler: AroundHandler,
    private readonly track: (pending: PromiseLike<unknown>) => void,
  ) {}

  /** Registered as a filter: settles when the handler calls `next()`, or fails when it ends without it. */
  readonly filter = (payload: unknown, meta: unknown, ctx: unknown): unknown => {
    let nextCalled = false;
    let passed: unknown;
    let release: ((outcome: unknown) => void) | undefined;
    let committed: Promise<unknown> | undefined;
    const next = (replacement?: unknown): Promise<unknown> => {
      if (committed) return committed;
      nextCalled = true;
      passed = replacement;
      committed = this.#wait(ctx, payload);
      // a handler that does not await next() must not make its rejection unhandled
      committed.catch(() => {});
      release?.(replacement);
      return committed;
    };
    const result = this.handler(payload, meta, ctx, next);
    if (!isThenable(result)) {
      if (nextCalled) return passed;
      throw new OperationSkipped();
    }
    const settled = Promise.resolve(result);
    if (nextCalled) {
      this.track(settled);
      return passed;
    }
    return new Promise((resolve, reject) => {
      release = resolve;
      this.track(
        settled.then(
          () => {
            if (!nextCalled) reject(new OperationSkipped());
          },
          (error: unknown) => {
            // after next() the operation is on its way: the failure is the handler's alone
            if (nextCalled) throw error;
            reject(error);
          },
        ),
      );
    });
  };

  /** Registered as an action of the same event: the committed result reaches `next()`. */
  readonly action = (meta: unknown, ctx: unknown): void => {
    this.settle(ctx, meta);
  };

  #wait(ctx: unknown, payload: unknown): Promise<unknown> {
    const operation = operationOf(ctx);
    // Nothing to tell this operation's end from another's: the code after `next()` runs at once.
    if (!operation) return Promise.resolve(payload);
    // called after its chain ended (it timed out): the operation was aborted
    if ((ctx as { scope?: { open?: boolean } }).scope?.open === false)
      return Promise.reject(new OperationRolledBack());
    return new Promise((resolve, reject) => {
      let stack = this.#waiting.get(operation);
      if (!stack) {
        stack = [];
        this.#waiting.set(operation, stack);
      }
      stack.push({ resolve, reject });
      const scope = scopeOf(ctx);
      if (scope) {
        scope.onRollback(() => this.fail(ctx, new OperationRolledBack()));
        // held actions run on the next turn; an operation that emitted none settles after them
        scope.onCommit(() => setImmediate(() => this.settle(ctx, undefined)));
      }
    });
  }

  settle(ctx: unknown, value: unknown): void {
    const operation = operationOf(ctx);
    const waiting = operation && this.#waiting.get(operation)?.pop();
    waiting?.resolve(value);
  }

  fail(ctx: unknown, error: unknown): void {
    const operation = operationOf(ctx);
    const waiting = operation && this.#waiting.get(operation)?.pop();
    waiting?.reject(error);
  }
}

type FilterEntry = (
  payload: unknown,
  meta: unknown,
  ctx: unknown,
  tags: readonly string[] | undefined,
) => unknown;

/**
 * Wraps a filter chain holding around handlers: a failure of the chain rejects their
 * `next()`; for those with no action on this event (or when the chain stopped), its end
 * resolves it with the final payload. Only events with an around handler pay for this.
 */
export function settlingArounds(
  run: FilterEntry,
  arounds: readonly AroundPart[],
  withoutAction: readonly AroundPart[],
): FilterEntry {
  const failAll = (ctx: unknown, error: unknown) => {
    for (const around of arounds) around.fail(ctx, error);
  };
  const settle = (ctx: unknown, outcome: unknown) => {
    const stopped = isStopped(outcome);
    const payload = stopped ? (outcome as FilterStopped).payload : outcome;
    for (const around of stopped ? arounds : withoutAction) around.settle(ctx, payload);
    return outcome;
  };
  return (payload, meta, ctx, tags) => {
    let outcome: unknown;
    try {
      outcome = run(payload, meta, ctx, tags);
    } catch (error) {
      failAll(ctx, error);
      throw error;
    }
    if (!(outcome instanceof Promise)) return settle(ctx, outcome);
    return outcome.then(
      (settled) => settle(ctx, settled),
      (error: unknown) => {
        failAll(ctx, error);
        throw error;
      },
    );
  };
}
