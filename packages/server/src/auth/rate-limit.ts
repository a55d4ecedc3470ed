import { TooManyRequestsError } from '@sluice/hooks';

/** A fixed-window counter per key (client address, collection id, endpoint) for the auth endpoints. */
export class RateLimiter {
  readonly #windows = new Map<string, { started: number; count: number }>();

  constructor(private readonly windowMs = 60_000) {}

  hit(key: string, limit: number): void {
    const now = Date.now();
    let window = this.#windows.get(key);
    if (!window || now - window.started >= this.windowMs) {
      window = { started: now, count: 0 };
      this.#windows.set(key, window);
      if (this.#windows.size > 10_000) this.#sweep(now);
    }
    window.count++;
    if (window.count > limit) throw new TooManyRequestsError('Too many attempts; try again later.');
  }

  #sweep(now: number): void {
    for (const [key, window] of this.#windows)
      if (now - window.started >= this.windowMs) this.#windows.delete(key);
  }
}
