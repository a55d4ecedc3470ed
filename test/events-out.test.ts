import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, type Dialect, dialects, startServer, type TestServer, until } from './helpers.ts';
import { eventually, startReceiver } from './receiver.ts';

const ENV = {
  SLUICE_WEBHOOKS_ALLOW_PRIVATE: 'true',
  SLUICE_WEBHOOKS_RETRY_MS: '0',
  SLUICE_WEBHOOKS_POLL_MS: '50',
  SLUICE_WEBHOOKS_MAX_IN_FLIGHT: '2',
};

describe.each(dialects)('webhook recovery, tests, limits and the event stream (%s)', (dialect: Dialect) => {
  let server: TestServer;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    server = await startServer(dialect, { env: ENV });
  });

  afterAll(async () => {
    for (const close of closers) await close();
    await server?.stop();
  });

  const admin = (method: string, path: string, body?: unknown) =>
    server.request(method, path, { token: server.adminToken, body });

  async function receiver(answer?: Parameters<typeof startReceiver>[0]) {
    const started = await startReceiver(answer);
    closers.push(started.close);
    return started;
  }

  async function webhook(url: string, events: string[], tags: string[] = []) {
    const created = await admin('POST', '/api/webhooks', { url, events, tags });
    expect(created.status, created.text).toBe(200);
    return created.body as { id: string; secret: string };
  }

  const deliveries = (id: string, query = '') =>
    admin('GET', `/api/webhooks/${id}/deliveries${query}`).then((response) => response.body.items as any[]);

  it('recovers every delivery that failed since a date, and sends a test event', async () => {
    await createCollection(server, { name: 'recovered', fields: [{ name: 'n', type: 'number' }] });
    let up = false;
    const target = await receiver(() => ({ status: up ? 200 : 500 }));
    const { id, secret } = await webhook(target.url, ['records.create'], ['recovered']);
    const before = new Date().toISOString();
    for (const n of [1, 2, 3]) await admin('POST', '/api/collections/recovered/records', { n });
    await eventually(
      () => deliveries(id, '?status=failed'),
      (items) => items.length === 3,
    );
    expect((await admin('POST', `/api/webhooks/${id}/recover`, { since: 'yesterday-ish' })).status).toBe(400);
    up = true;
    const recovered = await admin('POST', `/api/webhooks/${id}/recover`, { since: before });
    expect(recovered.body).toEqual({ replayed: 3 });
    const delivered = await eventually(
      () => deliveries(id, '?status=delivered'),
      (items) => items.length === 3,
    );
    expect(
      delivered.map((item) => item.attempts.map((attempt: { status: number }) => attempt.status)),
    ).toEqual([
      [500, 500, 200],
      [500, 500, 200],
      [500, 500, 200],
    ]);

    const tested = await admin('POST', `/api/webhooks/${id}/test`);
    expect(tested.status, tested.text).toBe(200);
    expect(tested.body).toMatchObject({ webhook: id, name: 'webhooks.test', status: 'pending' });
    await until(
      () => target.received.some((entry) => entry.body.includes('webhooks.test')),
      5000,
      'the test',
    );
    const test = target.received.find((entry) => entry.body.includes('webhooks.test'));
    expect(new Webhook(secret).verify(test?.body ?? '', test?.headers ?? {})).toMatchObject({
      name: 'webhooks.test',
      metadata: { webhook: id, url: target.url },
    });
    expect((await admin('POST', '/api/webhooks/nope/test')).status).toBe(404);
  });

  it('sends one endpoint at most SLUICE_WEBHOOKS_MAX_IN_FLIGHT requests at once', async () => {
    await createCollection(server, { name: 'limited', fields: [{ name: 'n', type: 'number' }] });
    let open = 0;
    let most = 0;
    const target = await receiver(async () => {
      open += 1;
      most = Math.max(most, open);
      await new Promise((resolve) => setTimeout(resolve, 200));
      open -= 1;
      return { status: 204 };
    });
    await webhook(target.url, ['records.create'], ['limited']);
    await Promise.all(
      Array.from({ length: 12 }, (_, n) => admin('POST', '/api/collections/limited/records', { n })),
    );
    await until(() => target.received.length === 12, 10_000, 'every delivery');
    expect(most).toBe(2);
  });

  it('matches Qelos triples against catalogue events', async () => {
    const target = await receiver();
    const { id } = await webhook(target.url, ['auth/users/user-created']);
    const signUp = await server.request('POST', '/api/collections/users/records', {
      body: { email: 'triple@example.com', password: 'a-password-123', passwordConfirm: 'a-password-123' },
    });
    expect(signUp.status).toBe(200);
    await until(() => target.received.length === 1, 5000, 'the user-created delivery');
    expect(JSON.parse(target.received[0]?.body ?? '{}')).toMatchObject({
      source: 'auth',
      kind: 'users',
      eventName: 'user-created',
      name: 'records.create',
    });
    expect(JSON.stringify(JSON.parse(target.received[0]?.body ?? '{}').metadata)).not.toMatch(/password/i);
    await admin('DELETE', `/api/webhooks/${id}`);
  });

  it('streams every event as it fires to superusers, filtered by pattern', async () => {
    expect((await server.request('GET', '/api/events/stream')).status).toBe(401);
    expect((await admin('GET', '/api/events/stream?filter=records.explode')).status).toBe(400);
    await createCollection(server, { name: 'streamed', fields: [{ name: 'n', type: 'number' }] });
    const abort = new AbortController();
    const response = await fetch(
      `${server.url}/api/events/stream?filter=records.create,plugin:streamer/*/*`,
      {
        headers: { authorization: server.adminToken },
        signal: abort.signal,
      },
    );
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body?.getReader();
    let text = '';
    const frames = async (count: number) => {
      while ((text.match(/\n\n/g) ?? []).length < count) {
        const chunk = await reader?.read();
        if (!chunk || chunk.done) break;
        text += new TextDecoder().decode(chunk.value);
      }
    };
    await frames(1);
    expect(text).toBe(': connected\n\n');
    await admin('POST', '/api/collections/streamed/records', { n: 1 });
    await admin('PATCH', '/api/settings', { meta: { appName: 'Streamed' } });
    await admin('POST', '/api/events', { source: 'streamer', kind: 'k', eventName: 'e' });
    await frames(3);
    abort.abort();
    const events = text
      .split('\n\n')
      .filter((frame) => frame.startsWith('id: '))
      .map((frame) => JSON.parse(frame.slice(frame.indexOf('data: ') + 6)));
    expect(events.map((event) => [event.name, event.source])).toEqual([
      ['records.create', 'records'],
      ['plugin.event', 'plugin:streamer'],
    ]);
    expect(events[0].metadata).toMatchObject({ n: 1 });
    await until(() => server.app.services.events.stream.size === 0, 5000, 'the stream closed');
  });
});
