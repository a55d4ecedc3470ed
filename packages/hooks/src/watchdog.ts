export interface Watched {
  /** When the chain's current handler started, on the watchdog's clock. */
  startedAt: number;
  warned: boolean;
  /** The whole chain's deadline, on the watchdog's clock. */
  readonly deadline: number;
  slow(elapsedMs: number): void;
  expire(): void;
}

/**
 * One shared interval watches every pending asynchronous chain, instead of a timer and two
 * clock reads per handler: it warns about a handler running past `warnMs` while it runs, and
 * expires chains past their deadline. `now` is a coarse clock, exact to one tick.
 */
export class Watchdog {
  readonly #pending = new Set<Watched>();
  #timer: NodeJS.Timeout | undefined;
  now = performance.now();

  constructor(
    private readonly tickMs: number,
    private readonly warnMs: number,
  ) {}

  watch(chain: Watched): void {
    this.#pending.add(chain);
    if (this.#timer === undefined) {
      this.now = performance.now();
      this.#timer = setInterval(() => this.#sweep(), this.tickMs);
      this.#timer.unref();
    }
  }

  unwatch(chain: Watched): void {
    this.#pending.delete(chain);
  }

  #sweep(): void {
    const now = performance.now();
    this.now = now;
    for (const chain of this.#pending) {
      if (chain.deadline <= now) {
        this.#pending.delete(chain);
        chain.expire();
      } else if (!chain.warned && now - chain.startedAt > this.warnMs) {
        chain.warned = true;
        chain.slow(now - chain.startedAt);
      }
    }
    if (this.#pending.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }
}
