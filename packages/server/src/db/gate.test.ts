import { afterEach, describe, expect, it, vi } from 'vitest';
import { Gate } from './gate.ts';

describe('Gate', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('grants up to its capacity at once, then serves waiters in order as slots are released', async () => {
    const gate = new Gate({ capacity: 2, maxWaiting: 10, waitMs: 1000 });
    await gate.acquire();
    await gate.acquire();
    const order: number[] = [];
    const first = gate.acquire().then(() => order.push(1));
    const second = gate.acquire().then(() => order.push(2));
    expect(gate.waiting).toBe(2);
    gate.release();
    await first;
    expect(order).toEqual([1]);
    gate.release();
    await second;
    expect(order).toEqual([1, 2]);
    expect(gate.waiting).toBe(0);
  });

  it('refuses a caller at once with a 503 when the queue is full', async () => {
    const gate = new Gate({ capacity: 1, maxWaiting: 1, waitMs: 1000 });
    await gate.acquire();
    const waiting = gate.acquire();
    await expect(gate.acquire()).rejects.toMatchObject({
      status: 503,
      code: 'SLUICE_ERR_SERVICE_UNAVAILABLE',
    });
    gate.release();
    await waiting;
  });

  it('refuses a waiter with a 503 once it has waited waitMs, and gives its turn to the next', async () => {
    vi.useFakeTimers();
    const gate = new Gate({ capacity: 1, maxWaiting: 10, waitMs: 100 });
    await gate.acquire();
    const late = gate.acquire();
    const refused = expect(late).rejects.toMatchObject({ status: 503 });
    await vi.advanceTimersByTimeAsync(100);
    await refused;
    const next = gate.acquire();
    gate.release();
    await next;
    expect(gate.waiting).toBe(0);
  });

  it('frees a released slot when nobody waits', async () => {
    const gate = new Gate({ capacity: 1, maxWaiting: 0, waitMs: 100 });
    await gate.acquire();
    gate.release();
    await gate.acquire();
    await expect(gate.acquire()).rejects.toMatchObject({ status: 503 });
  });
});
