import { describe, expect, it } from 'vitest';
import { Watchdog, type Watched } from './watchdog.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function watched(watchdog: Watchdog, timeoutMs: number) {
  const events: string[] = [];
  const chain: Watched = {
    startedAt: watchdog.now,
    warned: false,
    deadline: watchdog.now + timeoutMs,
    slow: () => events.push('slow'),
    expire: () => events.push('expired'),
  };
  return { chain, events };
}

describe('Watchdog', () => {
  it('warns once about a slow chain, then expires it at its deadline', async () => {
    const watchdog = new Watchdog(5, 20);
    const { chain, events } = watched(watchdog, 60);
    watchdog.watch(chain);
    await sleep(120);
    expect(events).toEqual(['slow', 'expired']);
  });

  it('leaves alone a chain unwatched in time', async () => {
    const watchdog = new Watchdog(5, 20);
    const { chain, events } = watched(watchdog, 60);
    watchdog.watch(chain);
    watchdog.unwatch(chain);
    await sleep(80);
    expect(events).toEqual([]);
  });
});
