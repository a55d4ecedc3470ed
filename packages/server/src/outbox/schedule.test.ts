import { describe, expect, it } from 'vitest';
import { nextRetryDelay, parseRetryAfter, RETRY_DELAYS_MS, retryDelaysFrom } from './schedule.ts';

describe('the retry schedule', () => {
  it('waits 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, then gives up', () => {
    const noJitter = () => 0;
    const waits = [1, 2, 3, 4, 5, 6, 7, 8].map((n) =>
      nextRetryDelay(n, RETRY_DELAYS_MS, undefined, noJitter),
    );
    expect(waits).toEqual([
      5_000,
      300_000,
      1_800_000,
      7_200_000,
      18_000_000,
      36_000_000,
      36_000_000,
      undefined,
    ]);
  });

  it('adds up to a tenth at random', () => {
    expect(nextRetryDelay(1, RETRY_DELAYS_MS, undefined, () => 0.5)).toBe(5_250);
  });

  it('honours a Retry-After longer than the wait', () => {
    expect(nextRetryDelay(1, [1_000], 60_000, () => 0)).toBe(60_000);
    expect(nextRetryDelay(1, [1_000], 10, () => 0)).toBe(1_000);
  });

  it('reads Retry-After as seconds or a date', () => {
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(
      parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')),
    ).toBe(10_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it('takes the schedule from the setting', () => {
    expect(retryDelaysFrom('0, 10')).toEqual([0, 10]);
    expect(retryDelaysFrom(undefined)).toBe(RETRY_DELAYS_MS);
    expect(() => retryDelaysFrom('5s')).toThrow('SLUICE_WEBHOOKS_RETRY_MS');
  });
});
