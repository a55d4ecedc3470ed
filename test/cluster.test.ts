import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deleteKeys,
  keysUnder,
  redisTestUrl,
  testRedis,
  uniquePrefix,
} from '../packages/server/src/cluster/testing.ts';
import {
  createCollection,
  createStorage,
  type Storage,
  sleep,
  startServer,
  type TestServer,
  until,
} from './helpers.ts';

// Two instances on one PostgreSQL database and one Redis behave as one (DESIGN §6). Redis is
// required: CI starts it, and without it these tests fail rather than skip.

interface SseEvent {
  event: string;
  data: any;
}

/** A raw SSE client of `/api/realtime`. */
async function openStream(url: string) {
  const controller = new AbortController();
  const response = await fetch(`${url}/api/realtime`, { signal: controller.signal });
  expect(response.status).toBe(200);
  const events: SseEvent[] = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event: SseEvent = { event: 'message', data: undefined };
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const colon = line.indexOf(':');
            const field = line.slice(0, colon);
            const text = line.slice(colon + 1);
            if (field === 'event') event.event = text;
            else if (field === 'data') event.data = JSON.parse(text);
          }
          if (event.data !== undefined) events.push(event);
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // aborted
    }
  })();
  await until(() => events.length > 0, 5000, 'PB_CONNECT');
  return { clientId: events[0]!.data.clientId as string, events, close: () => controller.abort() };
}

/** A webhook on records created in one collection, sent to a receiver on 127.0.0.1. */
interface WebhookTarget {
  /** The `webhook-id` of every request the receiver took, in order. */
  ids: string[];
  webhook: string;
  /** The statuses of the webhook's deliveries in `_outbox`. */
  statuses(): Promise<string[]>;
  /** Resolves once `count` deliveries are delivered; throws after `ms`. */
  untilDelivered(count: number, ms: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Makes the collection `name` and, through `a`, a webhook of its creates to a receiver that
 * answers 204 after `answerAfterMs`; resolves once `b` matches writes against the webhook too.
 */
async function webhookTarget(
  a: TestServer,
  b: TestServer,
  name: string,
  answerAfterMs = 0,
): Promise<WebhookTarget> {
  const ids: string[] = [];
  const receiver = createServer((request, response) => {
    ids.push(String(request.headers['webhook-id']));
    request.resume().on('end', () => setTimeout(() => response.writeHead(204).end(), answerAfterMs));
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const close = async () => {
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  };
  try {
    await createCollection(a, { name, fields: [{ name: 'title', type: 'text' }] });
    const { port } = receiver.address() as AddressInfo;
    const created = await a.request('POST', '/api/webhooks', {
      token: a.adminToken,
      body: { url: `http://127.0.0.1:${port}/hook`, events: ['records.create'], tags: [name] },
    });
    expect(created.status, created.text).toBe(200);
    await until(
      () => b.app.services.webhooks.subscribers.matching('records.create', [name]).length > 0,
      5000,
      'the webhook on the other instance',
    );
    const webhook = String(created.body.id);
    const statuses = async () =>
      (
        await a.app.database.db
          .selectFrom('_outbox')
          .select('status')
          .where('webhook', '=', webhook)
          .execute()
      ).map((row) => String(row.status));
    return {
      ids,
      webhook,
      statuses,
      async untilDelivered(count, ms) {
        const end = Date.now() + ms;
        while ((await statuses()).filter((status) => status === 'delivered').length < count) {
          if (Date.now() > end) throw new Error(`Timed out waiting for ${count} deliveries.`);
          await sleep(20);
        }
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Two instances on one PostgreSQL database and one Redis, started (one after the other: the first
 * start makes the tables, the secret and the superuser) before the tests of the describe block
 * that calls this, and stopped after them.
 */
function twoInstances(env: Record<string, string>) {
  const prefix = uniquePrefix();
  const pair = { prefix } as { a: TestServer; b: TestServer; redis: Redis; prefix: string };
  let storage: Storage | undefined;
  const start = () =>
    startServer('postgres', {
      storage,
      redisUrl: redisTestUrl,
      redisPrefix: prefix,
      shutdownTimeoutMs: 2000,
      env,
    });

  beforeAll(async () => {
    pair.redis = await testRedis();
    storage = await createStorage('postgres');
    pair.a = await start();
    pair.b = await start();
  });

  afterAll(async () => {
    await pair.a?.stop();
    await pair.b?.stop();
    await storage?.destroy();
    if (pair.redis) {
      await deleteKeys(pair.redis, prefix);
      pair.redis.disconnect();
    }
  });
  return pair;
}

describe('several instances (PostgreSQL + Redis)', () => {
  // webhook targets on 127.0.0.1, so that nothing is looked up or sent elsewhere
  const pair = twoInstances({ SLUICE_WEBHOOKS_ALLOW_PRIVATE: 'true' });
  const { prefix } = pair;
  let a: TestServer;
  let b: TestServer;
  let redis: Redis;

  beforeAll(() => {
    ({ a, b, redis } = pair);
    expect(a.app.cluster).toBeDefined();
    expect(a.app.cluster!.id).not.toBe(b.app.cluster!.id);
  });

  it('makes a collection created through one instance usable through the other at once', async () => {
    await createCollection(a, {
      name: 'notes',
      fields: [{ name: 'title', type: 'text' }],
      listRule: '',
      viewRule: '',
      createRule: '',
    });
    const created = await b.request('POST', '/api/collections/notes/records', { body: { title: 'via B' } });
    expect(created.status, created.text).toBe(200);
    expect(created.body.title).toBe('via B');

    const updated = await a.request('PATCH', '/api/collections/notes', {
      token: a.adminToken,
      body: {
        fields: [
          { name: 'title', type: 'text' },
          { name: 'done', type: 'bool' },
        ],
      },
    });
    expect(updated.status, updated.text).toBe(200);
    const withField = await b.request('POST', '/api/collections/notes/records', {
      body: { title: 'done via B', done: true },
    });
    expect(withField.status, withField.text).toBe(200);
    expect(withField.body.done).toBe(true);
    expect(await a.count('notes')).toBe(2);

    await createCollection(b, { name: 'scratch', fields: [{ name: 'x', type: 'text' }] });
    const seen = await a.request('GET', '/api/collections/scratch', { token: a.adminToken });
    expect(seen.status, seen.text).toBe(200);
    const dropped = await b.request('DELETE', '/api/collections/scratch', { token: b.adminToken });
    expect(dropped.status, dropped.text).toBe(204);
    const gone = await a.request('GET', '/api/collections/scratch/records', { token: a.adminToken });
    expect(gone.status).toBe(404);
  });

  it('shows a settings change made on one instance on the other', async () => {
    const before = await b.request('GET', '/api/settings', { token: b.adminToken });
    expect(before.status, before.text).toBe(200);
    const changed = await a.request('PATCH', '/api/settings', {
      token: a.adminToken,
      body: { meta: { appName: 'Clustered' } },
    });
    expect(changed.status, changed.text).toBe(200);
    const after = await b.request('GET', '/api/settings', { token: b.adminToken });
    expect(after.body.meta.appName).toBe('Clustered');
    expect(before.body.meta.appName).not.toBe('Clustered');
  });

  it('matches writes on one instance against a webhook created through the other', async () => {
    const created = await a.request('POST', '/api/webhooks', {
      token: a.adminToken,
      body: { url: 'http://127.0.0.1:9/hook', events: ['settings.update'] },
    });
    expect(created.status, created.text).toBe(200);
    await until(
      () => b.app.services.webhooks.subscribers.matching('settings.update', []).includes(created.body.id),
      5000,
      'the webhook on the other instance',
    );
    const removed = await a.request('DELETE', `/api/webhooks/${created.body.id}`, { token: a.adminToken });
    expect(removed.status).toBe(204);
    await until(() => b.app.services.webhooks.subscribers.size === 0, 5000, 'the webhook gone there too');
  });

  it('sends each webhook delivery once between the instances, whichever wrote it', async () => {
    const target = await webhookTarget(a, b, 'delivered_once');
    try {
      const writes = Array.from({ length: 20 }, (_, n) =>
        (n % 2 === 0 ? a : b).request('POST', '/api/collections/delivered_once/records', {
          token: (n % 2 === 0 ? a : b).adminToken,
          body: { title: `record ${n}` },
        }),
      );
      for (const written of await Promise.all(writes)) expect(written.status, written.text).toBe(200);
      await target.untilDelivered(20, 10_000);
      expect(await target.statuses()).toHaveLength(20);
      expect(target.ids).toHaveLength(20);
      expect(new Set(target.ids).size).toBe(20);
      await a.request('DELETE', `/api/webhooks/${target.webhook}`, { token: a.adminToken });
    } finally {
      await target.close();
    }
  });

  it('sends a record created through one instance to the realtime clients of the other, by their rules', async () => {
    await createCollection(a, {
      name: 'posts',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'public', type: 'bool' },
      ],
      listRule: 'public = true',
      viewRule: 'public = true',
      createRule: '',
    });
    const stream = await openStream(b.url);
    try {
      const subscribed = await b.request('POST', '/api/realtime', {
        body: { clientId: stream.clientId, subscriptions: ['posts/*'] },
      });
      expect(subscribed.status, subscribed.text).toBe(204);
      const hidden = await a.request('POST', '/api/collections/posts/records', {
        body: { title: 'hidden', public: false },
      });
      expect(hidden.status, hidden.text).toBe(200);
      const shown = await a.request('POST', '/api/collections/posts/records', {
        body: { title: 'shown', public: true },
      });
      expect(shown.status, shown.text).toBe(200);
      await until(() => stream.events.length >= 2, 5000, 'the record from the other instance');
      await sleep(100);
      expect(stream.events.slice(1)).toEqual([
        {
          event: 'posts/*',
          data: { action: 'create', record: expect.objectContaining({ id: shown.body.id, title: 'shown' }) },
        },
      ]);

      const updated = await a.request('PATCH', `/api/collections/posts/records/${shown.body.id}`, {
        body: { title: 'shown again' },
        token: a.adminToken,
      });
      expect(updated.status, updated.text).toBe(200);
      await until(() => stream.events.length >= 3, 5000, 'the update');
      expect(stream.events[2]!.data).toMatchObject({ action: 'update', record: { title: 'shown again' } });
    } finally {
      stream.close();
    }
  });

  it('hands an OAuth2 redirect to the instance whose realtime client waits for it', async () => {
    const stream = await openStream(b.url);
    try {
      const subscribed = await b.request('POST', '/api/realtime', {
        body: { clientId: stream.clientId, subscriptions: ['@oauth2'] },
      });
      expect(subscribed.status, subscribed.text).toBe(204);
      const landed = await fetch(`${a.url}/api/oauth2-redirect?state=${stream.clientId}&code=the-code`, {
        redirect: 'manual',
      });
      expect(landed.status).toBe(307);
      expect(landed.headers.get('location')).toBe('/api/oauth2-redirect/success');
      await until(() => stream.events.length >= 2, 5000, 'the redirect from the other instance');
      expect(stream.events[1]).toEqual({
        event: '@oauth2',
        data: { state: stream.clientId, code: 'the-code' },
      });
    } finally {
      stream.close();
    }
  });

  it('runs a schedule registered on both instances once per tick between them', async () => {
    const runs: Array<{ instance: string; tick: string }> = [];
    const register = (server: TestServer, instance: string) =>
      server.app.hooks.schedule(
        '* * * * * *',
        ({ scheduledAt }) => void runs.push({ instance, tick: scheduledAt.toISOString() }),
        { owner: 'cluster-test' },
      );
    const stops = [register(a, 'a'), register(b, 'b')];
    await sleep(3200);
    const infos = [a, b].map(
      (server) => server.app.hooks.schedules().find((info) => info.owner === 'cluster-test')!,
    );
    for (const stop of stops) stop();

    const perTick = new Map<string, number>();
    for (const { tick } of runs) perTick.set(tick, (perTick.get(tick) ?? 0) + 1);
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs.length).toBeLessThanOrEqual(4);
    expect([...perTick.values()].every((count) => count === 1)).toBe(true);
    // both instances fired on (nearly) every tick; the lock left one of them out each time
    expect(infos[0]!.lockSkipped + infos[1]!.lockSkipped).toBeGreaterThanOrEqual(runs.length - 1);
    const locks = await keysUnder(redis, `${prefix}lock:schedule:cluster-test|`);
    for (const key of locks) expect(await redis.pttl(key)).toBeLessThan(1000);
  });

  it('keeps serving from one instance when the other stops', async () => {
    await a.stop();
    const created = await b.request('POST', '/api/collections/notes/records', { body: { title: 'alone' } });
    expect(created.status, created.text).toBe(200);
    expect(await b.count('notes')).toBe(3);
    const stream = await openStream(b.url);
    try {
      await b.request('POST', '/api/realtime', {
        body: { clientId: stream.clientId, subscriptions: ['notes'] },
      });
      await b.request('POST', '/api/collections/notes/records', { body: { title: 'heard' } });
      await until(() => stream.events.length >= 2, 5000, 'a record from the remaining instance');
      expect(stream.events[1]!.data.record.title).toBe('heard');
    } finally {
      stream.close();
    }
    // the remaining instance takes the schedule's lock alone: its ticks run
    let ran = 0;
    const stop = b.app.hooks.schedule('* * * * * *', () => void ran++, { owner: 'cluster-test' });
    try {
      await until(() => ran >= 1, 10_000, 'a tick of the schedule on the remaining instance');
      const info = b.app.hooks.schedules().find((entry) => entry.owner === 'cluster-test');
      expect(info?.runs).toBeGreaterThanOrEqual(1);
    } finally {
      stop();
    }
  });
});

describe('a slow webhook endpoint and two instances (PostgreSQL + Redis)', () => {
  // a lease far shorter than the endpoint takes to answer, and the other instance looking for due
  // deliveries all the time: without its renewal, the lease would run out mid-send
  const pair = twoInstances({
    SLUICE_WEBHOOKS_ALLOW_PRIVATE: 'true',
    SLUICE_WEBHOOKS_LEASE_MS: '1500',
    SLUICE_WEBHOOKS_POLL_MS: '100',
  });

  it('keeps a batch leased while it is sent, so the other instance does not send it again', async () => {
    const { a, b } = pair;
    const target = await webhookTarget(a, b, 'slow_target', 4000);
    try {
      for (let n = 0; n < 3; n++) {
        const written = await a.request('POST', '/api/collections/slow_target/records', {
          token: a.adminToken,
          body: { title: `record ${n}` },
        });
        expect(written.status, written.text).toBe(200);
      }
      await target.untilDelivered(3, 15_000);
      expect(target.ids).toHaveLength(3);
      expect(new Set(target.ids).size).toBe(3);
    } finally {
      await target.close();
    }
  });
});

describe('hot reload notices (--dev)', () => {
  const prefix = uniquePrefix();
  const folders: string[] = [];
  const servers: TestServer[] = [];
  let redis: Redis;
  const loads = globalThis as { __clusterLoads?: Record<string, number> };

  /** An extensions folder whose one hook counts its loads under `name`. */
  const folder = (name: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-cluster-ext-'));
    folders.push(dir);
    mkdirSync(join(dir, 'hooks', 'counter'), { recursive: true });
    writeFileSync(
      join(dir, 'hooks', 'counter', 'index.mjs'),
      `export default () => { const loads = (globalThis.__clusterLoads ??= {}); loads[${JSON.stringify(name)}] = (loads[${JSON.stringify(name)}] ?? 0) + 1; };\n`,
    );
    return dir;
  };

  beforeAll(async () => {
    redis = await testRedis();
  });

  afterAll(async () => {
    for (const server of servers) await server.stop();
    for (const dir of folders) rmSync(dir, { recursive: true, force: true });
    delete loads.__clusterLoads;
    if (redis) {
      await deleteKeys(redis, prefix);
      redis.disconnect();
    }
  });

  it('reloads on the other instances the extension one instance reloaded', async () => {
    const [dirA, dirB] = [folder('a'), folder('b')];
    for (const dir of [dirA, dirB]) {
      servers.push(
        await startServer('sqlite', {
          extensions: dir,
          dev: true,
          redisUrl: redisTestUrl,
          redisPrefix: prefix,
        }),
      );
    }
    expect(loads.__clusterLoads).toEqual({ a: 1, b: 1 });
    writeFileSync(
      join(dirA, 'hooks', 'counter', 'index.mjs'),
      `export default () => { const loads = (globalThis.__clusterLoads ??= {}); loads.a = (loads.a ?? 0) + 1; };\n// changed\n`,
    );
    // B's folder did not change (as when only A's file system reports it): the notice reloads it
    await until(() => loads.__clusterLoads?.b === 2, 5000, 'the reload on the other instance');
    expect(loads.__clusterLoads?.a).toBe(2);
    expect(servers[1]!.app.extensions.map((extension) => extension.owner)).toEqual(['hooks/counter']);
  });
});
