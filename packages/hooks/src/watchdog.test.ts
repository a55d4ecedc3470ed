import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UNSEEN, UNWATCHED, Watchdog, type Watched } from './watchdog.ts';

function watched(timeoutMs: number) {
  const events: string[] = [];
  const chain: Watched = {
    timeoutMs,
    chainSeenAt: UNSEEN,
    handlerSeenAt: UNSEEN,
    warned: false,
    watchSlot: UNWATCHED,
    slow: (elapsedMs) => events.push(`slow after ${elapsedMs} ms`),
    expire: () => events.push('expired'),
  };
  return { chain, events };
}

describe('Watchdog', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
  });
  afterEach(() => vi.useRealTimers());

  it('warns once about a slow chain, then expires it at its timeout', async () => {
    const watchdog = new Watchdog(5, 20);
    const { chain, events } = watched(60);
    watchdog.watch(chain);
    await vi.advanceTimersByTimeAsync(120);
    expect(events).toEqual(['slow after 25 ms', 'expired']);
  });

  it('leaves alone a chain unwatched in time', async () => {
    const watchdog = new Watchdog(5, 20);
    const { chain, events } = watched(60);
    watchdog.watch(chain);
    watchdog.unwatch(chain);
    await vi.advanceTimersByTimeAsync(80);
    expect(events).toEqual([]);
  });

  it('times a chain watched after a long idle period from when it was watched', async () => {
    const watchdog = new Watchdog(5, 20);
    const first = watched(60);
    watchdog.watch(first.chain);
    await vi.advanceTimersByTimeAsync(10);
    watchdog.unwatch(first.chain);
    await vi.advanceTimersByTimeAsync(35_000);

    const { chain, events } = watched(60);
    watchdog.watch(chain);
    await vi.advanceTimersByTimeAsync(20);
    expect(events).toEqual([]);
    await vi.advanceTimersByTimeAsync(50);
    expect(events).toEqual(['slow after 25 ms', 'expired']);
  });
});
