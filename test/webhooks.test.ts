import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dialect, dialects, startServer, type TestServer } from './helpers.ts';

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
