import { ServiceUnavailableError } from '@sluice/hooks';

export interface GateOptions {
  /** How many holders at once: 1 for SQLite's single writer, the pool size for PostgreSQL. */
  capacity: number;
  /** How many callers may wait for a slot; one more is refused at once. */
  maxWaiting: number;
  /** How long a caller waits for a slot before it is refused. */
  waitMs: number;
}

interface Waiter {
  grant(): void;
  timer: NodeJS.Timeout;
}

const busy = () => new ServiceUnavailableError('The database is busy; try again later.');

/**
 * Back-pressure in front of the database connections: up to `capacity` holders, then a bounded
 * queue served in order, each waiter for a bounded time. Past either bound the caller gets a
 * 503 instead of joining a queue that only grows.
 */
export class Gate {
  #free: number;
  readonly #waiting = new Set<Waiter>();
  readonly #options: GateOptions;

  constructor(options: GateOptions) {
    this.#options = options;
    this.#free = options.capacity;
  }

  get waiting(): number {
    return this.#waiting.size;
  }

  acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve();
    }
    if (this.#waiting.size >= this.#options.maxWaiting) return Promise.reject(busy());
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: resolve,
        timer: setTimeout(() => {
          this.#waiting.delete(waiter);
          reject(busy());
        }, this.#options.waitMs),
      };
      this.#waiting.add(waiter);
    });
  }

  /** Hands the slot to the longest waiter, or frees it. */
  release(): void {
    const next = this.#waiting.values().next();
    if (next.done) {
      this.#free++;
      return;
    }
    this.#waiting.delete(next.value);
    clearTimeout(next.value.timer);
    next.value.grant();
  }
}
