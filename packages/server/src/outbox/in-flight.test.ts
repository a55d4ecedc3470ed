import { describe, expect, it } from 'vitest';
import { InFlightLimit } from './in-flight.ts';

describe('the in-flight limit', () => {
  it('runs at most max tasks at once per key, the others in turn, and keys apart', async () => {
    const limit = new InFlightLimit(2);
    let running = 0;
    let most = 0;
    const order: string[] = [];
    const task = (name: string) => async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setImmediate(resolve));
      order.push(name);
      running -= 1;
      return name;
    };
    const results = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((name) => limit.run('x', task(name))));
    expect(results).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(most).toBe(2);
    expect(order).toEqual(['a', 'b', 'c', 'd', 'e']);

    most = 0;
    await Promise.all([limit.run('x', task('1')), limit.run('y', task('2')), limit.run('z', task('3'))]);
    expect(most).toBe(3);
  });

  it('frees the slot of a task that failed', async () => {
    const limit = new InFlightLimit(1);
    await expect(limit.run('x', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await limit.run('x', async () => 'next')).toBe('next');
  });
});
