/**
 * At most `max` tasks at once per key (per endpoint): the others wait their turn, in order, so
 * that one slow receiver is never sent more than `max` requests at a time.
 */
export class InFlightLimit {
  readonly #active = new Map<string, number>();
  readonly #waiting = new Map<string, (() => void)[]>();

  constructor(private readonly max: number) {}

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const active = this.#active.get(key) ?? 0;
    if (active < this.max) this.#active.set(key, active + 1);
    else await new Promise<void>((resolve) => this.#queue(key).push(resolve));
    try {
      return await task();
    } finally {
      this.#release(key);
    }
  }

  #queue(key: string): (() => void)[] {
    const queue = this.#waiting.get(key) ?? [];
    this.#waiting.set(key, queue);
    return queue;
  }

  /** Hands the slot to the next task waiting, or frees it. */
  #release(key: string): void {
    const next = this.#waiting.get(key)?.shift();
    if (next) {
      next();
      return;
    }
    this.#waiting.delete(key);
    const active = (this.#active.get(key) ?? 1) - 1;
    if (active > 0) this.#active.set(key, active);
    else this.#active.delete(key);
  }
}
