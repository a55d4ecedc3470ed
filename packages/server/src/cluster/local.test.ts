import { describe, expect, it } from 'vitest';
import { createLocalCluster, LocalHub } from './local.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('local cluster', () => {
  it("carries messages to the other members' subscribers, as JSON, never back to the sender", async () => {
    const hub = new LocalHub();
    const a = createLocalCluster(hub);
    const b = createLocalCluster(hub);
    const heardByA: unknown[] = [];
    const heardByB: Array<{ message: unknown; from: string }> = [];
    await a.subscribe('news', (message) => void heardByA.push(message));
    const off = await b.subscribe('news', (message, from) => void heardByB.push({ message, from }));
    await b.subscribe('other', () => {
      throw new Error('not this channel');
    });
    const sent = { at: new Date(0), n: 1 };
    await a.publish('news', sent);
    expect(heardByB).toEqual([]); // asynchronous, as over a network
    await sleep(5);
    expect(heardByB).toEqual([{ message: { at: '1970-01-01T00:00:00.000Z', n: 1 }, from: a.id }]);
    expect(heardByA).toEqual([]);

    await off();
    await a.publish('news', { n: 2 });
    await sleep(5);
    expect(heardByB).toHaveLength(1);
    await Promise.all([a.close(), b.close()]);
  });

  it('keeps members of different hubs apart', async () => {
    const a = createLocalCluster();
    const b = createLocalCluster();
    const heard: unknown[] = [];
    await b.subscribe('news', (message) => void heard.push(message));
    await a.publish('news', 1);
    await sleep(5);
    expect(heard).toEqual([]);
    expect(await a.tryLock('job', 1000)).toBe(true);
    expect(await b.tryLock('job', 1000)).toBe(true);
  });

  it('gives a lock to one member until it expires', async () => {
    const hub = new LocalHub();
    const [a, b] = [createLocalCluster(hub), createLocalCluster(hub)];
    expect(await a.tryLock('job', 50)).toBe(true);
    expect(await b.tryLock('job', 50)).toBe(false);
    expect(await a.tryLock('job', 50)).toBe(false);
    expect(await b.tryLock('other', 50)).toBe(true);
    await sleep(70);
    expect(await b.tryLock('job', 50)).toBe(true);
    await a.close();
    expect(await a.tryLock('third', 50)).toBe(false);
  });
});
