import { describe, expect, it } from 'vitest';
import { ServiceUnavailableError } from './errors.ts';
import { Limiter } from './limiter.ts';

describe('Limiter', () => {
  it('grants slots up to max, queues up to the bound, then refuses with 503', async () => {
    const limiter = new Limiter(2, 1);
    expect(limiter.acquire()).toBe(true);
    expect(limiter.acquire()).toBe(true);
    const waiting = limiter.acquire();
    expect(waiting).toBeInstanceOf(Promise);
    expect(() => limiter.acquire()).toThrow(ServiceUnavailableError);
    limiter.release();
    await waiting;
    expect(limiter.active).toBe(2);
    expect(limiter.queued).toBe(0);
    limiter.release();
    limiter.release();
    expect(limiter.active).toBe(0);
  });
});
