import type { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedisCluster, type RedisCluster, redactRedisUrl } from './redis.ts';
import { deleteKeys, keysUnder, redisTestUrl, testRedis, uniquePrefix } from './testing.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const logger = pino({ level: 'silent' });

async function until(check: () => boolean | Promise<boolean>, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('Timed out.');
    await sleep(10);
  }
}

describe('redis cluster', () => {
  const prefix = uniquePrefix();
  let redis: Redis;
  const open: RedisCluster[] = [];
  const join = async () => {
    const cluster = await createRedisCluster(redisTestUrl, { prefix, logger });
    open.push(cluster);
    return cluster;
  };

  beforeAll(async () => {
    redis = await testRedis();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((cluster) => cluster.close()));
  });
  afterAll(async () => {
    if (!redis) return;
    await deleteKeys(redis, prefix);
    redis.disconnect();
  });

  it("carries JSON messages to the other instances' subscribers, not back to the sender", async () => {
    const [a, b] = [await join(), await join()];
    const heardByA: unknown[] = [];
    const heardByB: Array<{ message: unknown; from: string }> = [];
    await a.subscribe('news', (message) => void heardByA.push(message));
    const off = await b.subscribe('news', (message, from) => void heardByB.push({ message, from }));
    await b.subscribe('news', () => {
      throw new Error('a failing handler hurts nobody');
    });
    await a.publish('news', { n: 1, nested: { ok: true } });
    await until(() => heardByB.length === 1);
    expect(heardByB[0]).toEqual({ message: { n: 1, nested: { ok: true } }, from: a.id });

    await off();
    await b.publish('news', { n: 2 });
    await until(() => heardByA.length === 1);
    expect(heardByA).toEqual([{ n: 2 }]);
    expect(heardByB).toHaveLength(1);
  });

  it('publishes under the prefix', async () => {
    const a = await join();
    const subscriber = redis.duplicate();
    const heard: string[] = [];
    subscriber.on('message', (channel: string) => void heard.push(channel));
    await subscriber.subscribe(`${prefix}news`);
    await a.publish('news', 1);
    await until(() => heard.length === 1);
    expect(heard).toEqual([`${prefix}news`]);
    subscriber.disconnect();
  });

  it('gives a lock to exactly one instance until it expires, under the prefix', async () => {
    const [a, b] = [await join(), await join()];
    const tries = await Promise.all([a, b, a, b].map((cluster) => cluster.tryLock('job|t1', 300)));
    expect(tries.filter(Boolean)).toHaveLength(1);
    expect(await keysUnder(redis, `${prefix}lock:`)).toEqual([`${prefix}lock:job|t1`]);
    expect(await redis.pttl(`${prefix}lock:job|t1`)).toBeGreaterThan(0);
    expect(await b.tryLock('job|t2', 300)).toBe(true);
    await sleep(350);
    expect(await b.tryLock('job|t1', 300)).toBe(true);
  });

  it('resubscribes after losing its connection and says so, so that missed notices are made up for', async () => {
    const [a, b] = [await join(), await join()];
    const heard: unknown[] = [];
    let reconnected = 0;
    b.onReconnect(() => reconnected++);
    await b.subscribe('news', (message) => void heard.push(message));
    const clients = await redis.client('LIST');
    const line = String(clients)
      .split('\n')
      .find((entry) => entry.includes(`name=sluice-${b.id}-sub`));
    const id = /\bid=(\d+)/.exec(line ?? '')?.[1];
    expect(id).toBeDefined();
    await redis.client('KILL', 'ID', id!);
    await until(() => reconnected === 1);
    await until(async () => {
      await a.publish('news', 'again');
      return heard.length > 0;
    });
    expect(heard[0]).toBe('again');
  });

  it('fails clearly when Redis does not answer, and never shows the password', async () => {
    await expect(
      createRedisCluster('redis://:secret-pass@127.0.0.1:1', { logger, connectTimeoutMs: 1000 }),
    ).rejects.toThrow(/Could not connect to Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1/);
    expect(redactRedisUrl('redis://user:pw@host:6379/2')).toBe('redis://user:***@host:6379/2');
  });

  it('answers false and publishes nothing once closed', async () => {
    const a = await join();
    await a.close();
    expect(await a.tryLock('closed', 1000)).toBe(false);
    await a.publish('news', 1);
  });
});
