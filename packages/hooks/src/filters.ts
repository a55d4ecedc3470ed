import { type CompiledChain, compileChain } from './compile.ts';
import { HookError, HookTimeoutError, SluiceError } from './errors.ts';
import type { Limiter } from './limiter.ts';
import type { Logger } from './logger.ts';
import { carriesTag, type HandlerList, type Registration, type Registry } from './registry.ts';
import { FilterStopped } from './stopped.ts';
import { UNSEEN, UNWATCHED, type Watchdog, type Watched } from './watchdog.ts';

/** The payload, or `FilterStopped` holding it when a handler returned `false`. */
export type FilterOutcome<Payload> = Payload | FilterStopped<Payload>;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}

/**
 * Runs filter chains: in order, each handler's return value replacing the payload
 * (`undefined` keeps it, `false` stops the chain, a throw aborts). Handlers that return
 * plain values run back to back without a microtask, so an all-synchronous chain completes
 * synchronously; the chain becomes a promise only once a handler returns one.
 */
export class FilterRunner {
  constructor(
    private readonly registry: Registry,
    private readonly limiter: Limiter,
    private readonly watchdog: Watchdog,
    readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {}

  compile(name: string, list: HandlerList): CompiledChain {
    const registrations = list.registrations;
    return compileChain(
      registrations,
      (index, pending, payload, meta, ctx, tags, holdsSlot) => {
        this.registry.markAsync(registrations[index]!);
        return this.#continueAsync(name, registrations, index, pending, payload, meta, ctx, tags, holdsSlot);
      },
      (error, index) => this.wrap(error, registrations[index], name),
    );
  }

  run(
    chain: CompiledChain,
    mayBeAsync: boolean,
    payload: unknown,
    meta: unknown,
    ctx: unknown,
    tags: readonly string[] | undefined,
  ): unknown {
    if (!mayBeAsync) return chain(payload, meta, ctx, tags, false);
    let slot: true | Promise<void>;
    try {
      slot = this.limiter.acquire();
    } catch (error) {
      return Promise.reject(error);
    }
    if (slot === true) return this.#runHoldingSlot(chain, payload, meta, ctx, tags);
    return slot.then(() => this.#runHoldingSlot(chain, payload, meta, ctx, tags));
  }

  #runHoldingSlot(
    chain: CompiledChain,
    payload: unknown,
    meta: unknown,
    ctx: unknown,
    tags: readonly string[] | undefined,
  ): unknown {
    let outcome: unknown;
    try {
      outcome = chain(payload, meta, ctx, tags, true);
    } catch (error) {
      this.limiter.release();
      throw error;
    }
    if (outcome instanceof Promise) return outcome;
    this.limiter.release();
    return outcome;
  }

  #continueAsync(
    name: string,
    registrations: readonly Registration[],
    index: number,
    pending: PromiseLike<unknown>,
    payload: unknown,
    meta: unknown,
    ctx: unknown,
    tags: readonly string[] | undefined,
    holdsSlot: boolean,
  ): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const chain = new AsyncChain(this, name, registrations, index, payload, meta, ctx, tags, holdsSlot);
      chain.resolve = resolve;
      chain.reject = reject;
      this.watchdog.watch(chain);
      chain.await(pending);
    });
  }

  /** The chain ended: stop watching it and give back its slot. */
  settled(chain: AsyncChain): void {
    this.watchdog.unwatch(chain);
    if (chain.holdsSlot) this.limiter.release();
  }

  slow(chain: AsyncChain, elapsedMs: number): void {
    const owner = chain.current.owner;
    this.logger.warn(
      { extension: owner, event: chain.name, elapsedMs: Math.round(elapsedMs) },
      `Slow filter: "${owner}" has been running for ${Math.round(elapsedMs)} ms on "${chain.name}".`,
    );
  }

  timedOut(chain: AsyncChain): SluiceError {
    this.logger.error(
      { extension: chain.current.owner, event: chain.name, timeoutMs: this.timeoutMs },
      'A filter chain timed out; the operation was aborted.',
    );
    return new HookTimeoutError(`A hook on "${chain.name}" took longer than ${this.timeoutMs} ms.`);
  }

  markAsync(registration: Registration): void {
    this.registry.markAsync(registration);
  }

  /** Typed errors pass as they are; anything else is logged and wrapped so nothing leaks. */
  wrap(error: unknown, registration: Registration | undefined, name: string): SluiceError {
    if (error instanceof SluiceError) return error;
    const owner = registration?.owner ?? 'unknown';
    this.logger.error({ extension: owner, event: name, err: error }, 'A filter hook threw.');
    return new HookError(owner, name, error ?? new Error('A hook rejected without a reason.'));
  }
}

/**
 * The rest of a chain once a handler returned a promise. A class rather than closures made at
 * each step: the callbacks it hands to each pending promise are made once per chain, and the
 * watchdog watches it directly.
 */
class AsyncChain implements Watched {
  resolve!: (outcome: unknown) => void;
  reject!: (error: unknown) => void;
  chainSeenAt = UNSEEN;
  handlerSeenAt = UNSEEN;
  warned = false;
  watchSlot = UNWATCHED;
  #done = false;
  #onValue: ((value: unknown) => void) | undefined;
  #onError: ((error: unknown) => void) | undefined;

  constructor(
    private readonly runner: FilterRunner,
    readonly name: string,
    private readonly registrations: readonly Registration[],
    private position: number,
    private payload: unknown,
    private readonly meta: unknown,
    private readonly ctx: unknown,
    private readonly tags: readonly string[] | undefined,
    readonly holdsSlot: boolean,
  ) {}

  get timeoutMs(): number {
    return this.runner.timeoutMs;
  }

  get current(): Registration {
    return this.registrations[this.position]!;
  }

  await(pending: PromiseLike<unknown>): void {
    this.#onValue ??= (value) => this.#resume(value);
    this.#onError ??= (error) => this.#fail(error);
    pending.then(this.#onValue, this.#onError);
  }

  slow(elapsedMs: number): void {
    this.runner.slow(this, elapsedMs);
  }

  expire(): void {
    this.#finish(this.runner.timedOut(this), undefined);
  }

  #fail(error: unknown): void {
    if (!this.#done) this.#finish(this.runner.wrap(error, this.current, this.name), undefined);
  }

  #resume(value: unknown): void {
    if (this.#done) return;
    if (value === false) {
      this.#finish(undefined, new FilterStopped(this.payload));
      return;
    }
    if (value !== undefined) this.payload = value;
    const registrations = this.registrations;
    for (let i = this.position + 1; i < registrations.length; i++) {
      const registration = registrations[i]!;
      if (registration.tags !== null && !carriesTag(registration, this.tags)) continue;
      let result: unknown;
      try {
        result = registration.handler(this.payload, this.meta, this.ctx);
      } catch (error) {
        this.#finish(this.runner.wrap(error, registration, this.name), undefined);
        return;
      }
      if (isThenable(result)) {
        this.runner.markAsync(registration);
        this.position = i;
        this.handlerSeenAt = UNSEEN;
        this.warned = false;
        this.await(result);
        return;
      }
      if (result === false) {
        this.#finish(undefined, new FilterStopped(this.payload));
        return;
      }
      if (result !== undefined) this.payload = result;
    }
    this.#finish(undefined, this.payload);
  }

  #finish(error: unknown, outcome: unknown): void {
    if (this.#done) return;
    this.#done = true;
    this.runner.settled(this);
    if (error === undefined) this.resolve(outcome);
    else this.reject(error);
  }
}
