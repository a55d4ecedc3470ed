import { createPlugin, type EventRecord, type Plugin } from '@sluice/plugin';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, type Dialect, dialects, startServer, type TestServer, until } from './helpers.ts';
import { eventually, startReceiver } from './receiver.ts';

const ENV = {
  SLUICE_WEBHOOKS_ALLOW_PRIVATE: 'true',
  SLUICE_WEBHOOKS_RETRY_MS: '0,0,0',
  SLUICE_WEBHOOKS_POLL_MS: '50',
};

describe.each(dialects)('remote plugins and custom events (%s)', (dialect: Dialect) => {
  let server: TestServer;
  const plugins: Plugin[] = [];
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    server = await startServer(dialect, { env: ENV });
  });

  afterAll(async () => {
    for (const plugin of plugins) await plugin.stop();
    for (const close of closers) await close();
    await server?.stop();
  });

  const admin = (method: string, path: string, body?: unknown) =>
    server.request(method, path, { token: server.adminToken, body });
  const asPlugin = (key: string, method: string, path: string, body?: unknown) =>
    server.request(method, path, { token: `Bearer ${key}`, body });

  async function createNamed(name: string) {
    const created = await admin('POST', '/api/plugins', { name });
    expect(created.status, created.text).toBe(200);
    return created.body as {
      id: string;
      name: string;
      key: string;
      secret: string;
      created: string;
      updated: string;
    };
  }

  function startPlugin(key: string) {
    const plugin = createPlugin({ sluiceUrl: server.url, key, host: '127.0.0.1', log: () => {} });
    plugins.push(plugin);
    return plugin;
  }

  it('is created, listed, viewed and deleted by superusers only, firing plugins.*', async () => {
    const fired: string[] = [];
    const off = (['plugins.create', 'plugins.update', 'plugins.delete'] as const).map((name) =>
      server.app.hooks.action(name, (meta) => {
        expect(JSON.stringify(meta)).not.toMatch(/slp_|whsec_|keyHash/);
        fired.push(name);
      }),
    );
    try {
      expect((await server.request('POST', '/api/plugins', { body: { name: 'x' } })).status).toBe(401);
      const created = await createNamed('lister');
      expect(created).toEqual({
        id: expect.any(String),
        name: 'lister',
        key: expect.stringMatching(/^slp_/),
        secret: expect.stringMatching(/^whsec_/),
        created: expect.any(String),
        updated: expect.any(String),
      });
      const again = await admin('POST', '/api/plugins', { name: 'lister' });
      expect(again.status).toBe(400);
      expect(again.body.data.name.code).toBe('validation_not_unique');
      expect((await admin('POST', '/api/plugins', { name: 'bad name' })).body.data.name.code).toBe(
        'validation_invalid_name',
      );

      const list = await admin('GET', '/api/plugins');
      expect(list.body.items).toEqual([
        { id: created.id, name: 'lister', created: created.created, updated: created.updated },
      ]);
      expect((await admin('GET', `/api/plugins/${created.id}`)).body).toMatchObject({
        id: created.id,
        name: 'lister',
        hookUrl: null,
        subscriptions: [],
        lastDelivery: null,
      });

      const rotated = await admin('POST', `/api/plugins/${created.id}/rotate`);
      expect(rotated.body.key).not.toBe(created.key);
      expect(
        (
          await asPlugin(created.key, 'POST', '/api/plugins/register', {
            hookUrl: 'http://127.0.0.1:9/hook',
            subscriptions: [],
          })
        ).status,
      ).toBe(401);
      expect(
        (
          await asPlugin(rotated.body.key, 'POST', '/api/plugins/register', {
            hookUrl: 'http://127.0.0.1:9/hook',
            subscriptions: [{ source: 'records', kind: 'notes', eventName: 'create' }],
          })
        ).status,
      ).toBe(200);
      // a rotation re-signs the registered hook in its own transaction
      const rotatedAgain = await admin('POST', `/api/plugins/${created.id}/rotate`);
      expect(rotatedAgain.status, rotatedAgain.text).toBe(200);
      expect((await admin('GET', `/api/plugins/${created.id}`)).body.hookUrl).toBe('http://127.0.0.1:9/hook');

      expect((await admin('DELETE', `/api/plugins/${created.id}`)).status).toBe(204);
      expect((await admin('GET', `/api/plugins/${created.id}`)).status).toBe(404);
      await server.app.hooks.drain();
      expect(fired).toEqual(['plugins.create', 'plugins.update', 'plugins.update', 'plugins.delete']);
    } finally {
      for (const unregister of off) unregister();
    }
  });

  it('delivers the events a plugin subscribed to, signed, and its own custom events back', async () => {
    await createCollection(server, { name: 'notes', fields: [{ name: 'title', type: 'text' }] });
    const { id, key } = await createNamed('probe');
    const plugin = startPlugin(key);
    const got: EventRecord[] = [];
    plugin.registerToHook({ source: 'records', kind: 'notes', eventName: 'create' }, ({ body }) => {
      got.push(body);
    });
    plugin.registerToHook({ source: 'plugin:probe', kind: '*', eventName: '*' }, ({ body, user }) => {
      got.push({ ...body, user });
    });
    await plugin.start();

    const view = await admin('GET', `/api/plugins/${id}`);
    expect(view.body).toMatchObject({
      hookUrl: `http://127.0.0.1:${plugin.port}/hook`,
      enabled: true,
      subscriptions: [
        { source: 'records', kind: 'notes', eventName: 'create' },
        { source: 'plugin:probe', kind: '*', eventName: '*' },
      ],
    });

    // a webhook on a triple gets custom events too, and in-process handlers see them
    const receiver = await startReceiver();
    closers.push(receiver.close);
    const webhook = await admin('POST', '/api/webhooks', { url: receiver.url, events: ['plugin:probe/*/*'] });
    expect(webhook.status, webhook.text).toBe(200);
    const inProcess: EventRecord[] = [];
    const off = server.app.hooks.action('plugin.event', (event) => {
      inProcess.push(event);
    });
    try {
      const note = await admin('POST', '/api/collections/notes/records', { title: 'hello' });
      expect(note.status).toBe(200);
      const sent = await plugin.getSdk().events.dispatch({
        user: '111',
        source: 'probe',
        kind: 'my-type',
        eventName: 'thing-changed',
        metadata: { customData: 1 },
      });
      expect(sent).toMatchObject({ source: 'plugin:probe', name: 'plugin.event', user: '111' });
      await until(() => got.length === 2 && receiver.received.length === 1, 10_000, 'both deliveries');
      expect(got.find((event) => event.name === 'records.create')).toMatchObject({
        source: 'records',
        kind: 'notes',
        eventName: 'create',
        metadata: { title: 'hello' },
      });
      expect(got.find((event) => event.name === 'plugin.event')).toEqual({ ...sent, user: '111' });
      const [delivery] = receiver.received;
      const verified = new Webhook(webhook.body.secret).verify(delivery?.body ?? '', delivery?.headers ?? {});
      expect(verified).toEqual(sent);
      await server.app.hooks.drain();
      expect(inProcess).toEqual([sent]);

      // the plugin has answered; its delivery is marked delivered once that answer is read
      const last = await eventually(
        async () => (await admin('GET', `/api/plugins/${id}`)).body.lastDelivery,
        (delivery) => delivery?.status !== 'pending',
      );
      expect(last).toMatchObject({ status: 'delivered', webhook: id });
    } finally {
      off();
    }
  });

  it('lets a plugin dispatch under its own name only; a superuser under any', async () => {
    const { key } = await createNamed('honest');
    const own = await asPlugin(key, 'POST', '/api/events', { kind: 'k', eventName: 'e' });
    expect(own.status, own.text).toBe(200);
    expect(own.body).toMatchObject({ source: 'plugin:honest', kind: 'k', eventName: 'e', user: null });
    const prefixed = await asPlugin(key, 'POST', '/api/events', {
      source: 'plugin:honest',
      kind: 'k',
      eventName: 'e',
    });
    expect(prefixed.body.source).toBe('plugin:honest');
    const other = await asPlugin(key, 'POST', '/api/events', { source: 'probe', kind: 'k', eventName: 'e' });
    expect(other.status).toBe(403);
    const bad = await asPlugin(key, 'POST', '/api/events', { kind: 'a b', eventName: 'e', metadata: [] });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.data).sort()).toEqual(['kind', 'metadata']);
    expect(
      (await server.request('POST', '/api/events', { body: { kind: 'k', eventName: 'e' } })).status,
    ).toBe(401);
    const byAdmin = await admin('POST', '/api/events', { source: 'anyone', kind: 'k', eventName: 'e' });
    expect(byAdmin.body.source).toBe('plugin:anyone');
  });

  it('retries a delivery whose handler threw (5xx), and keeps the attempts', async () => {
    const { id, key } = await createNamed('flaky');
    const plugin = startPlugin(key);
    let calls = 0;
    plugin.registerToHook({ source: 'plugin:flaky', kind: '*', eventName: '*' }, () => {
      calls += 1;
      if (calls === 1) throw new Error('not this time');
    });
    await plugin.start();
    await plugin.getSdk().events.dispatch({ kind: 'k', eventName: 'e' });
    await until(() => calls === 2, 10_000, 'the retry');
    const delivery = await eventually(
      async () => (await admin('GET', `/api/plugins/${id}/deliveries`)).body.items[0],
      (found) => found?.status === 'delivered',
    );
    expect(delivery.attempts.map((attempt: { status: number }) => attempt.status)).toEqual([500, 200]);
  });
});
