import { ServiceUnavailableError } from './errors.ts';

/**
 * Bounds how many asynchronous filter chains run at once. Past `max`, chains wait in a queue
 * of at most `maxQueued`; past that they are refused with a 503 instead of piling up.
 */
export class Limiter {
  #active = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(
    readonly max: number,
    readonly maxQueued: number,
  ) {}

  get active(): number {
    return this.#active;
  }

  get queued(): number {
    return this.#waiting.length;
  }

  /** `true` when a slot was free now; a promise when the caller must wait for one. */
  acquire(): true | Promise<void> {
    if (this.#active < this.max) {
      this.#active++;
      return true;
    }
    if (this.#waiting.length >= this.maxQueued) {
      throw new ServiceUnavailableError('Too many operations are waiting on hooks; try again shortly.');
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#active--;
  }
}
