import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCollection,
  createStorage,
  type Dialect,
  dialects,
  sleep,
  startServer,
  type TestServer,
  until,
} from './helpers.ts';
import { type Answer, startReceiver } from './receiver.ts';

const ALLOW_PRIVATE = { SLUICE_WEBHOOKS_ALLOW_PRIVATE: 'true' };

describe.each(dialects)('the webhooks API (%s)', (dialect: Dialect) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer(dialect, { env: ALLOW_PRIVATE });
  });

  afterAll(async () => {
    await server?.stop();
  });

  const call = (method: string, path: string, body?: unknown) =>
    server.request(method, path, { token: server.adminToken, body });

  it('creates, lists, views, changes and deletes webhooks, firing webhooks.* and model.*', async () => {
    const fired: string[] = [];
    const off = ['webhooks.create', 'webhooks.update', 'webhooks.delete', 'model.create'].map((name) =>
      server.app.hooks.action(name as 'webhooks.create', (meta) => {
        if ((meta as { table?: string }).table === '_webhooks' || !name.startsWith('model.'))
          fired.push(name);
      }),
    );
    try {
      const created = await call('POST', '/api/webhooks', {
        url: 'http://127.0.0.1:9/hook',
        events: ['records.create', 'records.*', '*.create'],
        description: 'all records',
      });
      expect(created.status).toBe(200);
      expect(created.body).toEqual({
        id: expect.any(String),
        url: 'http://127.0.0.1:9/hook',
        events: ['records.create', 'records.*', '*.create'],
        tags: [],
        secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
        enabled: true,
        description: 'all records',
        created: expect.any(String),
        updated: expect.any(String),
      });
      const id = created.body.id as string;

      const list = await call('GET', '/api/webhooks');
      expect(list.body).toMatchObject({ page: 1, perPage: 30, totalItems: 1, totalPages: 1 });
      expect(list.body.items).toEqual([created.body]);
      expect((await call('GET', `/api/webhooks/${id}`)).body).toEqual(created.body);

      const changed = await call('PATCH', `/api/webhooks/${id}`, { enabled: false, tags: ['posts'] });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ enabled: false, tags: ['posts'], secret: created.body.secret });

      expect((await call('DELETE', `/api/webhooks/${id}`)).status).toBe(204);
      expect((await call('GET', `/api/webhooks/${id}`)).status).toBe(404);
      await server.app.hooks.drain();
      expect(fired).toEqual(
        expect.arrayContaining(['webhooks.create', 'model.create', 'webhooks.update', 'webhooks.delete']),
      );
    } finally {
      for (const unregister of off) unregister();
    }
  });

  it('refuses bad input with a 400 naming the field, and writes nothing', async () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ url: 'ftp://127.0.0.1/', events: ['records.create'] }, 'url'],
      [{ events: ['records.create'] }, 'url'],
      [{ url: 'http://127.0.0.1/', events: [] }, 'events'],
      [{ url: 'http://127.0.0.1/', events: ['records.explode'] }, 'events'],
      [{ url: 'http://127.0.0.1/', events: ['records.create'], secret: 'plain' }, 'secret'],
      [{ url: 'http://127.0.0.1/', events: ['records.create'], enabled: 'yes' }, 'enabled'],
      [{ url: 'http://127.0.0.1/', events: ['records.create'], colour: 'red' }, 'colour'],
    ];
    for (const [body, field] of bad) {
      const response = await call('POST', '/api/webhooks', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(Object.keys(response.body.data)).toEqual([field]);
    }
    expect((await call('GET', '/api/webhooks')).body.totalItems).toBe(0);
  });

  it('is for superusers only', async () => {
    expect((await server.request('GET', '/api/webhooks')).status).toBe(401);
  });
});

describe('webhook targets without SLUICE_WEBHOOKS_ALLOW_PRIVATE', () => {
  it('refuses loopback and private addresses', async () => {
    const server = await startServer('sqlite');
    try {
      for (const url of [
        'http://127.0.0.1:8080/',
        'http://[::1]/',
        'http://10.0.0.1/',
        'http://169.254.169.254/',
      ]) {
        const response = await server.request('POST', '/api/webhooks', {
          token: server.adminToken,
          body: { url, events: ['records.create'] },
        });
        expect(response.status, url).toBe(400);
        expect(response.body.data.url.message).toMatch('private, loopback or link-local');
      }
    } finally {
      await server.stop();
    }
  });
});

const DELIVERY_ENV = {
  ...ALLOW_PRIVATE,
  SLUICE_WEBHOOKS_RETRY_MS: '0,0,0',
  SLUICE_WEBHOOKS_POLL_MS: '50',
};

describe.each(dialects)('webhook deliveries (%s)', (dialect: Dialect) => {
  let server: TestServer;
  const receivers: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    server = await startServer(dialect, { env: DELIVERY_ENV });
  });

  afterAll(async () => {
    await server?.stop();
    for (const receiver of receivers) await receiver.close();
  });

  async function receiver(answer?: (n: number) => Answer | Promise<Answer>) {
    const started = await startReceiver(answer);
    receivers.push(started);
    return started;
  }

  async function webhookFor(url: string, collection: string, events = ['records.create']) {
    await createCollection(server, { name: collection, fields: [{ name: 'title', type: 'text' }] });
    const response = await server.request('POST', '/api/webhooks', {
      token: server.adminToken,
      body: { url, events, tags: [collection] },
    });
    expect(response.status).toBe(200);
    return response.body as { id: string; secret: string };
  }

  const createRecord = (collection: string, title: string) =>
    server.request('POST', `/api/collections/${collection}/records`, {
      token: server.adminToken,
      body: { title },
    });

  async function deliveriesOf(webhook: string) {
    const rows = await server.app.database.db
      .selectFrom('_outbox')
      .selectAll()
      .where('webhook', '=', webhook)
      .execute();
    return rows.map((row) => ({
      status: String(row.status),
      attempts: JSON.parse(String(row.attempts)) as unknown[],
    }));
  }

  it('delivers a created record once, signed per Standard Webhooks', async () => {
    const target = await receiver();
    const webhook = await webhookFor(target.url, 'signed');
    const created = await createRecord('signed', 'Hello');
    expect(created.status).toBe(200);
    await until(() => target.received.length === 1, 5000, 'the delivery');
    const [delivery] = target.received;
    const event = new Webhook(webhook.secret).verify(delivery!.body, delivery!.headers) as Record<
      string,
      unknown
    >;
    expect(event).toMatchObject({
      name: 'records.create',
      source: 'records',
      kind: 'signed',
      eventName: 'create',
      tags: ['signed', expect.any(String)],
      user: expect.any(String),
      metadata: { id: created.body.id, title: 'Hello' },
    });
    expect(delivery!.headers['webhook-id']).toMatch(/^msg_/);
    const rows = await deliveriesOf(webhook.id);
    expect(rows).toHaveLength(1);
  });

  it('sends a burst of writes larger than a batch, each delivery once', async () => {
    const target = await receiver();
    const webhook = await webhookFor(target.url, 'burst');
    const count = 350;
    // written without a pause, so that the deliveries are due at once and sent batch after batch
    for (let n = 0; n < count; n++) await server.app.services.records.create('burst', { title: `n${n}` });
    await untilAsync(
      async () => (await deliveriesOf(webhook.id)).every((row) => row.status === 'delivered'),
      15_000,
    );
    const ids = target.received.map((delivery) => delivery.headers['webhook-id']);
    expect(ids).toHaveLength(count);
    expect(new Set(ids).size).toBe(count);
    expect(await deliveriesOf(webhook.id)).toHaveLength(count);
  });

  it('retries a failed delivery with the same webhook-id', async () => {
    const target = await receiver((n) => ({ status: n === 1 ? 500 : 200 }));
    const webhook = await webhookFor(target.url, 'retried');
    await createRecord('retried', 'Again');
    await until(() => target.received.length === 2, 5000, 'the retry');
    const [first, second] = target.received;
    expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    await untilAsync(async () => (await deliveriesOf(webhook.id))[0]?.status === 'delivered');
    const [row] = await deliveriesOf(webhook.id);
    expect(row!.attempts).toEqual([
      expect.objectContaining({ status: 500, response: 'answer 1' }),
      expect.objectContaining({ status: 200, response: 'answer 2' }),
    ]);

    const listed = await server.request('GET', `/api/webhooks/${webhook.id}/deliveries`, {
      token: server.adminToken,
      query: { filter: "status='delivered'" },
    });
    expect(listed.body).toMatchObject({ page: 1, totalItems: 1, totalPages: 1 });
    const [delivery] = listed.body.items;
    expect(delivery).toMatchObject({
      id: first!.headers['webhook-id'],
      name: 'records.create',
      status: 'delivered',
      payload: { name: 'records.create', metadata: { title: 'Again' } },
    });
    const failed = await server.request('GET', `/api/webhooks/${webhook.id}/deliveries`, {
      token: server.adminToken,
      query: { status: 'failed' },
    });
    expect(failed.body.totalItems).toBe(0);

    const replayed = await server.request(
      'POST',
      `/api/webhooks/${webhook.id}/deliveries/${delivery.id}/replay`,
      { token: server.adminToken },
    );
    expect(replayed.status).toBe(200);
    await until(() => target.received.length === 3, 5000, 'the replay');
    expect(target.received[2]!.headers['webhook-id']).toBe(delivery.id);
    expect(
      (
        await server.request('POST', `/api/webhooks/${webhook.id}/deliveries/nope/replay`, {
          token: server.adminToken,
        })
      ).status,
    ).toBe(404);
  });

  it('disables a webhook whose target answers 410 Gone', async () => {
    const target = await receiver(() => ({ status: 410 }));
    const webhook = await webhookFor(target.url, 'gone');
    await createRecord('gone', 'Bye');
    await untilAsync(async () => {
      const response = await server.request('GET', `/api/webhooks/${webhook.id}`, {
        token: server.adminToken,
      });
      return response.body.enabled === false;
    });
    expect(target.received).toHaveLength(1);
    expect((await deliveriesOf(webhook.id))[0]?.status).toBe('failed');
  });

  it('delivers nothing for a write a filter rolled back', async () => {
    const target = await receiver();
    const webhook = await webhookFor(target.url, 'rolled');
    const off = server.app.hooks.filter('records.create', (payload) => {
      if ((payload as { title?: string }).title === 'refused') throw new Error('no');
      return payload;
    });
    try {
      expect((await createRecord('rolled', 'refused')).status).not.toBe(200);
      expect((await createRecord('rolled', 'kept')).status).toBe(200);
    } finally {
      off();
    }
    await until(() => target.received.length === 1, 5000, 'the kept delivery');
    expect(JSON.parse(target.received[0]!.body).metadata.title).toBe('kept');
    expect(await deliveriesOf(webhook.id)).toHaveLength(1);
  });
});

describe.each(dialects)('webhook deliveries across a restart (%s)', (dialect: Dialect) => {
  it('sends after a restart what was left unsent, with the same webhook-id', async () => {
    const storage = await createStorage(dialect);
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const target = await startReceiver(async (n) => {
      if (n === 1) await held;
      return { status: 200 };
    });
    try {
      const first = await startServer(dialect, { storage, env: DELIVERY_ENV });
      try {
        await createCollection(first, { name: 'kept', fields: [{ name: 'title', type: 'text' }] });
        const response = await first.request('POST', '/api/webhooks', {
          token: first.adminToken,
          body: { url: target.url, events: ['records.create'] },
        });
        expect(response.status).toBe(200);
        await first.request('POST', '/api/collections/kept/records', {
          token: first.adminToken,
          body: { title: 'in flight' },
        });
        await until(() => target.received.length === 1, 5000, 'the first try');
      } finally {
        await first.stop();
        release();
      }
      const second = await startServer(dialect, { storage, env: DELIVERY_ENV });
      try {
        await until(() => target.received.length === 2, 5000, 'the delivery after the restart');
        expect(target.received[1]!.headers['webhook-id']).toBe(target.received[0]!.headers['webhook-id']);
      } finally {
        await second.stop();
      }
    } finally {
      await target.close();
      await storage.destroy();
    }
  });
});

/** Polls an async check until it holds. */
async function untilAsync(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('Timed out waiting for a condition.');
    await sleep(20);
  }
}
