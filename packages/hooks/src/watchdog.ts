/** A chain or handler a sweep has not seen yet: its clock starts at the first sweep that does. */
export const UNSEEN = -1;

/** The `watchSlot` of a chain the watchdog does not hold. */
export const UNWATCHED = -1;

export interface Watched {
  /** How long the whole chain may run. */
  readonly timeoutMs: number;
  /** When a sweep first saw the chain, or `UNSEEN`. */
  chainSeenAt: number;
  /** When a sweep first saw the handler the chain now waits on, or `UNSEEN`. */
  handlerSeenAt: number;
  warned: boolean;
  /** Where the watchdog holds the chain, or `UNWATCHED`; kept by the watchdog. */
  watchSlot: number;
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
 *
 * Pending chains sit in an array, each knowing its slot, so that watching and unwatching one
 * (twice per asynchronous chain) is a push and a swap instead of a hash set's bookkeeping.
 */
export class Watchdog {
  readonly #pending: Watched[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly tickMs: number,
    private readonly warnMs: number,
  ) {}

  watch(chain: Watched): void {
    if (chain.watchSlot !== UNWATCHED) return;
    chain.watchSlot = this.#pending.length;
    this.#pending.push(chain);
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.#sweep(), this.tickMs);
      this.#timer.unref();
    }
  }

  unwatch(chain: Watched): void {
    const slot = chain.watchSlot;
    if (slot === UNWATCHED) return;
    chain.watchSlot = UNWATCHED;
    const last = this.#pending.pop()!;
    if (last !== chain) {
      this.#pending[slot] = last;
      last.watchSlot = slot;
    }
  }

  #sweep(): void {
    const now = performance.now();
    // backwards: unwatching moves the last chain, one already seen, into the slot it frees
    for (let i = this.#pending.length - 1; i >= 0; i--) {
      const chain = this.#pending[i]!;
      if (chain.chainSeenAt === UNSEEN) chain.chainSeenAt = now;
      if (chain.handlerSeenAt === UNSEEN) chain.handlerSeenAt = now;
      if (now - chain.chainSeenAt >= chain.timeoutMs) {
        this.unwatch(chain);
        chain.expire();
      } else if (!chain.warned && now - chain.handlerSeenAt > this.warnMs) {
        chain.warned = true;
        chain.slow(now - chain.handlerSeenAt);
      }
    }
    if (this.#pending.length === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }
}
