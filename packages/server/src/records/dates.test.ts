import { describe, expect, it } from 'vitest';
import { formatDate, nowDate, parseDate } from './dates.ts';

describe('dates', () => {
  it("formats in PocketBase's form, each date its own text", () => {
    expect(formatDate(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)))).toBe('2026-01-02 03:04:05.006Z');
    expect(formatDate(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 7)))).toBe('2026-01-02 03:04:05.007Z');
    expect(formatDate(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 7)))).toBe('2026-01-02 03:04:05.007Z');
  });

  it('gives now, not the date formatted last', () => {
    expect(formatDate(new Date(0))).toBe('1970-01-01 00:00:00.000Z');
    const before = Date.now();
    const now = parseDate(nowDate())?.getTime() ?? 0;
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it('refuses an invalid date, however often asked', () => {
    expect(() => formatDate(new Date(Number.NaN))).toThrow(RangeError);
    expect(() => formatDate(new Date(Number.NaN))).toThrow(RangeError);
  });
});
