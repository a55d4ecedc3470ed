import { describe, expect, it } from 'vitest';
import { andThen } from './maybe-async.ts';

describe('andThen', () => {
  it('goes on at once with a value that is not a promise', () => {
    expect(andThen(2, (value) => value + 1)).toBe(3);
  });

  it('goes on once a promise resolves, and passes its rejection on', async () => {
    await expect(andThen(Promise.resolve(2), (value) => value + 1)).resolves.toBe(3);
    await expect(andThen(Promise.reject(new Error('no')), () => 1)).rejects.toThrow('no');
  });
});
