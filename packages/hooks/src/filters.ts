import { HookError, HookTimeoutError, SluiceError } from './errors.ts';
import type { Limiter } from './limiter.ts';
import type { Logger } from './logger.ts';
import { carriesTag, type Registration, type Registry } from './registry.ts';
import type { Watchdog } from './watchdog.ts';

export interface FilterOutcome<Payload> {
  payload: Payload;
  /** A handler returned `false`: the handlers after it did not run. */
  stopped: boolean;
}

export interface FilterTiming {
  warnMs: number;
  timeoutMs: number;
}

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
    private readonly timing: FilterTiming,
    private readonly logger: Logger,
  ) {}

  run<Payload>(
    name: string,
    payload: Payload,
    meta: unknown,
    ctx: unknown,
    tags: readonly string[] | undefined,
  ): FilterOutcome<Payload> | Promise<FilterOutcome<Payload>> {
    const list = this.registry.handlersFor('filter', name);
    if (list.registrations.length === 0) return { payload, stopped: false };
    if (!list.mayBeAsync) return this.#runFrom(name, list.registrations, 0, payload, meta, ctx, tags, false);
    let slot: true | Promise<void>;
    try {
      slot = this.limiter.acquire();
    } catch (error) {
      return Promise.reject(error);
    }
    if (slot === true) return this.#runFrom(name, list.registrations, 0, payload, meta, ctx, tags, true);
    return slot.then(() => this.#runFrom(name, list.registrations, 0, payload, meta, ctx, tags, true));
  }

  #runFrom<Payload>(
    name: string,
    registrations: readonly Registration[],
    start: number,
    payload: Payload,
    meta: unknown,
    ctx: unknown,
    tags: readonly string[] | undefined,
    holdsSlot: boolean,
  ): FilterOutcome<Payload> | Promise<FilterOutcome<Payload>> {
    let current = payload;
    for (let i = start; i < registrations.length; i++) {
      const registration = registrations[i]!;
      if (registration.tags !== null && !carriesTag(registration, tags)) continue;
      let result: unknown;
      try {
        result = registration.handler(current, meta, ctx);
      } catch (error) {
        if (holdsSlot) this.limiter.release();
        throw this.#wrap(error, registration, name);
      }
      if (isThenable(result)) {
        this.registry.markAsync(registration);
        return this.#continueAsync(name, registrations, i, result, current, meta, ctx, tags, holdsSlot);
      }
      if (result === false) {
        if (holdsSlot) this.limiter.release();
        return { payload: current, stopped: true };
      }
      if (result !== undefined) current = result as Payload;
    }
    if (holdsSlot) this.limiter.release();
    return { payload: current, stopped: false };
  }

  #continueAsync<Payload>(
    name: string,
    registrations: readonly Registration[],
    index: number,
    pending: PromiseLike<unknown>,
    payload: Payload,
    meta: unknown,
    ctx: unknown,
    tags: readonly string[] | undefined,
    holdsSlot: boolean,
  ): Promise<FilterOutcome<Payload>> {
    return new Promise((resolve, reject) => {
      let current = payload;
      let position = index;
      let startedAt = performance.now();
      let done = false;

      const finish = (error: unknown, outcome?: FilterOutcome<Payload>) => {
        if (done) return;
        done = true;
        this.watchdog.unwatch(deadline);
        if (holdsSlot) this.limiter.release();
        if (outcome) resolve(outcome);
        else reject(error);
      };
      const deadline = {
        at: startedAt + this.timing.timeoutMs,
        expire: () => {
          const registration = registrations[position]!;
          this.logger.error(
            { extension: registration.owner, event: name, timeoutMs: this.timing.timeoutMs },
            'A filter chain timed out; the operation was aborted.',
          );
          finish(new HookTimeoutError(`A hook on "${name}" took longer than ${this.timing.timeoutMs} ms.`));
        },
      };
      this.watchdog.watch(deadline);

      const onRejected = (error: unknown) => {
        if (!done) finish(this.#wrap(error, registrations[position]!, name));
      };
      const onFulfilled = (value: unknown) => {
        if (done) return;
        this.#warnIfSlow(registrations[position]!, name, startedAt);
        if (value === false) return finish(undefined, { payload: current, stopped: true });
        if (value !== undefined) current = value as Payload;
        for (let i = position + 1; i < registrations.length; i++) {
          const registration = registrations[i]!;
          if (registration.tags !== null && !carriesTag(registration, tags)) continue;
          let result: unknown;
          try {
            result = registration.handler(current, meta, ctx);
          } catch (error) {
            return finish(this.#wrap(error, registration, name));
          }
          if (isThenable(result)) {
            this.registry.markAsync(registration);
            position = i;
            startedAt = performance.now();
            result.then(onFulfilled, onRejected);
            return;
          }
          if (result === false) return finish(undefined, { payload: current, stopped: true });
          if (result !== undefined) current = result as Payload;
        }
        finish(undefined, { payload: current, stopped: false });
      };
      pending.then(onFulfilled, onRejected);
    });
  }

  #warnIfSlow(registration: Registration, name: string, startedAt: number): void {
    const elapsedMs = performance.now() - startedAt;
    if (elapsedMs > this.timing.warnMs) {
      this.logger.warn(
        {
          extension: registration.owner,
          event: name,
          elapsedMs: Math.round(elapsedMs),
          warnMs: this.timing.warnMs,
        },
        `Slow filter: "${registration.owner}" took ${Math.round(elapsedMs)} ms on "${name}".`,
      );
    }
  }

  #wrap(error: unknown, registration: Registration, name: string): SluiceError {
    if (error instanceof SluiceError) return error;
    this.logger.error({ extension: registration.owner, event: name, err: error }, 'A filter hook threw.');
    return new HookError(registration.owner, name, error);
  }
}
