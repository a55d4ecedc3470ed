import type { Logger } from './logger.ts';
import { carriesTag, type Registration, type Registry } from './registry.ts';

export interface ActionJob {
  readonly name: string;
  readonly meta: unknown;
  readonly ctx: unknown;
  readonly tags: readonly string[] | undefined;
}

/** The meta of `hook.error`: which extension's handler failed on which event, and why. */
export interface HookErrorMeta {
  extension: string;
  event: string;
  error: unknown;
}

export const HOOK_ERROR = 'hook.error';

/** Actions waiting for the next turn of the event loop before they run at once. */
const MAX_QUEUED_JOBS = 256;

/**
 * Holds the actions emitted inside a transaction. They run when it commits and are dropped
 * when it rolls back, so no listener ever sees data that was not kept. A scope opened inside
 * another hands its actions to the outer one on commit.
 */
export class ActionScope {
  #held: ActionJob[] = [];
  #onCommit: (() => void)[] = [];
  #onRollback: (() => void | Promise<void>)[] | undefined;
  #open = true;

  constructor(
    private readonly dispatcher: ActionDispatcher,
    private readonly parent?: ActionScope,
  ) {}

  get open(): boolean {
    return this.#open;
  }

  hold(job: ActionJob): void {
    this.#held.push(job);
  }

  /** Runs `fn` once the outermost scope commits; never when one of them rolls back. */
  onCommit(fn: () => void): void {
    this.#onCommit.push(fn);
  }

  /**
   * Runs `fn` when this scope rolls back, or an outer one it was committed into does: the undo of
   * work done outside the database (files stored for the write), or around handlers waiting in
   * `next()`. `rollback()` resolves once every one of them has settled.
   */
  onRollback(fn: () => void | Promise<void>): void {
    this.#onRollback ??= [];
    this.#onRollback.push(fn);
  }

  commit(): void {
    if (!this.#open) return;
    this.#open = false;
    const held = this.#held;
    const onCommit = this.#onCommit;
    const onRollback = this.#onRollback;
    this.#held = [];
    this.#onCommit = [];
    this.#onRollback = undefined;
    // an outer scope still open may roll back what this one committed
    if (onRollback && this.parent?.open) for (const fn of onRollback) this.parent.onRollback(fn);
    for (const job of held) {
      if (this.parent?.open) this.parent.hold(job);
      else this.dispatcher.dispatch(job);
    }
    for (const fn of onCommit) {
      if (this.parent?.open) this.parent.onCommit(fn);
      else fn();
    }
  }

  async rollback(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    const onRollback = this.#onRollback;
    this.#held = [];
    this.#onCommit = [];
    this.#onRollback = undefined;
    if (onRollback) await Promise.allSettled(onRollback.map(async (fn) => fn()));
  }
}

function scopeOf(ctx: unknown): ActionScope | undefined {
  if (ctx === null || typeof ctx !== 'object') return undefined;
  const scope = (ctx as { scope?: unknown }).scope;
  return scope instanceof ActionScope && scope.open ? scope : undefined;
}

/**
 * The action handlers of one event, each with the function that reports its promise's failure:
 * made once per event and list, so that following a handler's promise allocates no closure.
 */
interface ActionList {
  readonly registrations: readonly Registration[];
  readonly failed: ReadonlyArray<(error: unknown) => void>;
}

/** Fields of one queued action in the dispatcher's flat queue: name, meta, ctx, tags. */
const JOB_FIELDS = 4;

/**
 * Runs action handlers after the current tick, never awaited by the emitter. A failure is
 * logged and emitted as `hook.error`; a failing `hook.error` handler is only logged.
 */
export class ActionDispatcher {
  /** Queued actions, `JOB_FIELDS` entries each, so that emitting allocates nothing. */
  #queue: unknown[] = [];
  #scheduled = false;
  #flushingSoon = false;
  #inflight = 0;
  #idle: Array<() => void> = [];
  readonly #lists = new Map<string, ActionList>();

  constructor(
    private readonly registry: Registry,
    private readonly logger: Logger,
  ) {
    registry.onChange(() => this.#lists.clear());
  }

  /** Queues an action whose event has listeners (checked by the caller). */
  emit(name: string, meta: unknown, ctx: unknown, tags: readonly string[] | undefined): void {
    const scope = scopeOf(ctx);
    if (scope) scope.hold({ name, meta, ctx, tags });
    else this.#enqueue(name, meta, ctx, tags);
  }

  dispatch(job: ActionJob): void {
    this.#enqueue(job.name, job.meta, job.ctx, job.tags);
  }

  #enqueue(name: string, meta: unknown, ctx: unknown, tags: readonly string[] | undefined): void {
    const queue = this.#queue;
    queue.push(name, meta, ctx, tags);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#flush);
    }
    if (queue.length >= MAX_QUEUED_JOBS * JOB_FIELDS && !this.#flushingSoon) {
      this.#flushingSoon = true;
      queueMicrotask(this.#flushNow);
    }
  }

  readonly #flush = (): void => {
    this.#scheduled = false;
    this.#runQueued();
  };

  /**
   * Code that never yields to the event loop (a loop of awaited writes) would otherwise pile
   * actions up until it ends: past a bound they run at the next microtask instead.
   */
  readonly #flushNow = (): void => {
    this.#flushingSoon = false;
    this.#runQueued();
  };

  #runQueued(): void {
    const queue = this.#queue;
    this.#queue = [];
    for (let i = 0; i < queue.length; i += JOB_FIELDS) {
      this.#run(
        queue[i] as string,
        queue[i + 1],
        queue[i + 2],
        queue[i + 3] as readonly string[] | undefined,
      );
    }
    if (this.#inflight === 0) this.#wakeIdle();
  }

  #run(name: string, meta: unknown, ctx: unknown, tags: readonly string[] | undefined): void {
    const { registrations, failed } = this.#listFor(name);
    for (let i = 0; i < registrations.length; i++) {
      const registration = registrations[i]!;
      if (registration.tags !== null && !carriesTag(registration, tags)) continue;
      try {
        const result = registration.handler(meta, ctx);
        if (result !== null && typeof result === 'object' && typeof result.then === 'function') {
          this.#inflight++;
          result.then(this.#settled, failed[i]);
        }
      } catch (error) {
        this.reportFailure(registration.owner, name, error);
      }
    }
  }

  #listFor(name: string): ActionList {
    let list = this.#lists.get(name);
    if (!list) {
      const { registrations } = this.registry.handlersFor('action', name);
      list = {
        registrations,
        failed: registrations.map((registration) => (error: unknown) => {
          this.reportFailure(registration.owner, name, error);
          this.#settled();
        }),
      };
      this.#lists.set(name, list);
    }
    return list;
  }

  /** Follows work that runs like an action (an around handler after `next()`): drained, failures reported. */
  track(pending: PromiseLike<unknown>, extension: string, event: string): void {
    this.#inflight++;
    pending.then(this.#settled, (error: unknown) => {
      this.reportFailure(extension, event, error);
      this.#settled();
    });
  }

  readonly #settled = (): void => {
    if (--this.#inflight === 0) this.#wakeIdle();
  };

  #wakeIdle(): void {
    const waiting = this.#idle;
    this.#idle = [];
    for (const wake of waiting) wake();
  }

  reportFailure(extension: string, event: string, error: unknown): void {
    this.logger.error({ extension, event, err: error }, `A hook of "${extension}" failed on "${event}".`);
    if (event === HOOK_ERROR) return;
    if (this.registry.handlersFor('action', HOOK_ERROR).registrations.length === 0) return;
    const meta: HookErrorMeta = { extension, event, error };
    this.emit(HOOK_ERROR, meta, undefined, undefined);
  }

  /** Resolves once every action emitted so far, and those they emitted, has settled. */
  async drain(): Promise<void> {
    while (this.#scheduled || this.#inflight > 0) {
      await new Promise<void>((resolve) => this.#idle.push(resolve));
    }
  }
}
