import { describe, expect, it } from 'vitest';
import { requestedRange } from './serve.ts';

const object = { size: 100, modified: new Date('2026-01-02T03:04:05Z') };

describe('requestedRange', () => {
  it('reads one byte range: from-to, from, and the last n bytes', () => {
    expect(requestedRange('bytes=0-0', undefined, object)).toEqual({ start: 0, end: 0 });
    expect(requestedRange('bytes=10-19', undefined, object)).toEqual({ start: 10, end: 19 });
    expect(requestedRange('bytes=90-', undefined, object)).toEqual({ start: 90, end: 99 });
    expect(requestedRange('bytes=95-500', undefined, object)).toEqual({ start: 95, end: 99 });
    expect(requestedRange('bytes=-5', undefined, object)).toEqual({ start: 95, end: 99 });
    expect(requestedRange('bytes=-500', undefined, object)).toEqual({ start: 0, end: 99 });
  });

  it('refuses a range past the end, and sends the whole for what it does not read', () => {
    expect(requestedRange('bytes=100-', undefined, object)).toBe('unsatisfiable');
    expect(requestedRange('bytes=20-10', undefined, object)).toBe('unsatisfiable');
    expect(requestedRange('bytes=-0', undefined, object)).toBe('unsatisfiable');
    expect(requestedRange(undefined, undefined, object)).toBeUndefined();
    expect(requestedRange('bytes=0-1,5-6', undefined, object)).toBeUndefined();
    expect(requestedRange('items=0-1', undefined, object)).toBeUndefined();
    expect(requestedRange('bytes=-', undefined, object)).toBeUndefined();
  });

  it('honours If-Range only while the object is unchanged', () => {
    expect(requestedRange('bytes=0-9', object.modified.toUTCString(), object)).toEqual({ start: 0, end: 9 });
    expect(requestedRange('bytes=0-9', 'Thu, 01 Jan 2026 00:00:00 GMT', object)).toBeUndefined();
  });
});
