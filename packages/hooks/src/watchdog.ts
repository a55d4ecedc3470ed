/** A chain or handler a sweep has not seen yet: its clock starts at the first sweep that does. */
export const UNSEEN = -1;

export interface Watched {
  /** How long the whole chain may run. */
  readonly timeoutMs: number;
  /** When a sweep first saw the chain, or `UNSEEN`. */
  chainSeenAt: number;
  /** When a sweep first saw the handler the chain now waits on, or `UNSEEN`. */
  handlerSeenAt: number;
  warned: boolean;
  slow(elapsedMs: number): void;
  expire(): void;
}

/**
 * One shared interval watches every pending asynchronous chain, instead of a timer and two
 * clock reads per handler: it warns about a handler running past `warnMs` while it runs, and
 * expires chains past their timeout.
 *
 * Only a sweep reads the clock, and it stamps what it sees for the first time. A time kept
 * between sweeps would be stale whenever the interval had stopped (the process idled) or the
 * event loop had been blocked, and a chain stamped with it would start out late: warned
 * about and expired too early. A stamp from the sweep is at most one tick late instead, so a
 * chain always gets its whole timeout.
 */
export class Watchdog {
  readonly #pending = new Set<Watched>();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly tickMs: number,
    private readonly warnMs: number,
  ) {}

  watch(chain: Watched): void {
    this.#pending.add(chain);
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.#sweep(), this.tickMs);
      this.#timer.unref();
    }
  }

  unwatch(chain: Watched): void {
    this.#pending.delete(chain);
  }

  #sweep(): void {
    const now = performance.now();
    for (const chain of this.#pending) {
      if (chain.chainSeenAt === UNSEEN) chain.chainSeenAt = now;
      if (chain.handlerSeenAt === UNSEEN) chain.handlerSeenAt = now;
      if (now - chain.chainSeenAt >= chain.timeoutMs) {
        this.#pending.delete(chain);
        chain.expire();
      } else if (!chain.warned && now - chain.handlerSeenAt > this.warnMs) {
        chain.warned = true;
        chain.slow(now - chain.handlerSeenAt);
      }
    }
    if (this.#pending.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }
}
