export interface Deadline {
  readonly at: number;
  expire(): void;
}

/**
 * One shared interval expires stuck asynchronous chains, instead of a timer per chain:
 * watching a chain costs a set insertion. A deadline fires between `at` and `at + tick`.
 */
export class Watchdog {
  readonly #pending = new Set<Deadline>();
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly tickMs: number) {}

  watch(deadline: Deadline): void {
    this.#pending.add(deadline);
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.#sweep(), this.tickMs);
      this.#timer.unref();
    }
  }

  unwatch(deadline: Deadline): void {
    this.#pending.delete(deadline);
  }

  #sweep(): void {
    const now = performance.now();
    for (const deadline of this.#pending) {
      if (deadline.at <= now) {
        this.#pending.delete(deadline);
        deadline.expire();
      }
    }
    if (this.#pending.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }
}
