import { connect as connectSocket, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EventSource } from 'eventsource';
import PocketBase, { type RecordSubscription } from 'pocketbase';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { realtimeOf } from '../packages/server/src/realtime/routes.ts';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  createCollection,
  type Dialect,
  dialects,
  sleep,
  startServer,
  type TestServer,
  until,
} from './helpers.ts';

// `/api/realtime` driven by a hand-written SSE reader over fetch and by the PocketBase SDK.

(globalThis as { EventSource?: unknown }).EventSource = EventSource;

interface SseEvent {
  id: string;
  event: string;
  data: any;
}

/** A raw SSE client: `fetch` and a parser of `id:`/`event:`/`data:` blocks. */
async function openStream(url: string) {
  const controller = new AbortController();
  const response = await fetch(`${url}/api/realtime`, { signal: controller.signal });
  const events: SseEvent[] = [];
  const state = { ended: false, comments: 0 };
  if (response.ok && response.body) {
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
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
            const event: SseEvent = { id: '', event: 'message', data: '' };
            let isComment = true;
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) continue;
              isComment = false;
              const colon = line.indexOf(':');
              const field = line.slice(0, colon);
              const text = line.slice(colon + 1).replace(/^ /, '');
              if (field === 'id') event.id = text;
              else if (field === 'event') event.event = text;
              else if (field === 'data') event.data = JSON.parse(text);
            }
            if (isComment) state.comments++;
            else events.push(event);
            end = buffer.indexOf('\n\n');
          }
        }
      } catch {
        // aborted
      }
      state.ended = true;
    })();
  }
  const stream = {
    response,
    events,
    state,
    clientId: '',
    /** The events after PB_CONNECT. */
    get messages() {
      return events.slice(1);
    },
    async next(predicate: (event: SseEvent) => boolean, ms = 5000): Promise<SseEvent> {
      await until(() => events.some(predicate), ms, 'an SSE event');
      return events.find(predicate)!;
    },
    close: () => controller.abort(),
  };
  if (response.ok)
    stream.clientId = (await stream.next((event) => event.event === 'PB_CONNECT')).data.clientId;
  return stream;
}

type Stream = Awaited<ReturnType<typeof openStream>>;

function sdk(url: string): PocketBase {
  const pb = new PocketBase(url);
  pb.autoCancellation(false);
  return pb;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The byte budget of each realtime client of these tests. */
const QUEUE_BYTES = 2_000_000;

/** A topic on `big` whose options differ only by a `fields` entry naming no field. */
const distinctFields = (index: number) =>
  `big?options=${encodeURIComponent(JSON.stringify({ query: { fields: `*,c${index}z${index}` } }))}`;

describe.each(dialects)('realtime (%s)', (dialect: Dialect) => {
  let server: TestServer;
  const streams: Stream[] = [];
  const cleanups: Array<() => unknown> = [];

  const subscribe = (clientId: string, subscriptions: unknown, token?: string) =>
    server.request('POST', '/api/realtime', { body: { clientId, subscriptions }, token });
  const open = async () => {
    const stream = await openStream(server.url);
    streams.push(stream);
    return stream;
  };
  const create = async (collection: string, body: Record<string, unknown>, token = server.adminToken) => {
    const created = await server.request('POST', `/api/collections/${collection}/records`, { body, token });
    expect(created.status, created.text).toBe(200);
    return created.body as Record<string, any>;
  };
  const update = async (collection: string, id: string, body: Record<string, unknown>) => {
    const updated = await server.request('PATCH', `/api/collections/${collection}/records/${id}`, {
      body,
      token: server.adminToken,
    });
    expect(updated.status, updated.text).toBe(200);
  };
  const remove = async (collection: string, id: string, token = server.adminToken) => {
    const removed = await server.request('DELETE', `/api/collections/${collection}/records/${id}`, { token });
    expect(removed.status, removed.text).toBe(204);
  };
  const signIn = async (name: string) => {
    const email = `${name}-${Math.random().toString(36).slice(2, 8)}@example.com`;
    const created = await create('users', {
      email,
      password: 'password-123',
      passwordConfirm: 'password-123',
    });
    const login = await server.request('POST', '/api/collections/users/auth-with-password', {
      body: { identity: email, password: 'password-123' },
    });
    return { id: created.id as string, email, token: login.body.token as string };
  };

  beforeAll(async () => {
    server = await startServer(dialect, {
      env: {
        SLUICE_REALTIME_MAX_QUEUE: '50',
        SLUICE_REALTIME_MAX_QUEUE_BYTES: String(QUEUE_BYTES),
        SLUICE_REALTIME_MAX_SUBSCRIPTIONS: '200',
        SLUICE_REALTIME_MAX_OPTIONS: '50',
        SLUICE_REALTIME_KEEPALIVE_MS: '100',
      },
    });
    await createCollection(server, {
      name: 'posts',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'public', type: 'bool' },
      ],
      listRule: 'public = true',
      viewRule: 'public = true',
      createRule: '',
      updateRule: '',
      deleteRule: '',
    });
    await createCollection(server, {
      name: 'notes',
      fields: [
        { name: 'body', type: 'text' },
        { name: 'owner', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1 },
      ],
      listRule: 'owner = @request.auth.id',
      viewRule: 'owner = @request.auth.id',
      createRule: '@request.auth.id != "" && owner = @request.auth.id',
      deleteRule: 'owner = @request.auth.id',
    });
    await createCollection(server, {
      name: 'big',
      fields: [{ name: 'body', type: 'text', max: 1_000_000 }],
      listRule: '',
      viewRule: '',
    });
    await createCollection(server, {
      name: 'lounge',
      fields: [{ name: 'topic', type: 'text' }],
      listRule: '@request.auth.name = "vip"',
      viewRule: '@request.auth.name = "vip"',
    });
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    for (const stream of streams.splice(0)) stream.close();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('opens an SSE stream whose first message is PB_CONNECT with the client id', async () => {
    const stream = await open();
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toBe('text/event-stream');
    expect(stream.response.headers.get('cache-control')).toBe('no-store');
    expect(stream.response.headers.get('x-accel-buffering')).toBe('no');
    expect(stream.events[0]).toEqual({
      id: stream.clientId,
      event: 'PB_CONNECT',
      data: { clientId: stream.clientId },
    });
    expect(stream.clientId).toMatch(/^[\w-]{40}$/);
    expect(realtimeOf(server.app)?.clients.has(stream.clientId)).toBe(true);
    await until(() => stream.state.comments > 0, 5000, 'a keep-alive comment');
  });

  it('sends creates, updates and deletes a guest may list, under the subscription name', async () => {
    const stream = await open();
    expect((await subscribe(stream.clientId, ['posts/*'])).status).toBe(204);
    const hidden = await create('posts', { title: 'hidden', public: false });
    const shown = await create('posts', { title: 'shown', public: true });
    await update('posts', shown.id, { title: 'shown again' });
    await remove('posts', hidden.id);
    await remove('posts', shown.id);
    await stream.next((event) => event.data.action === 'delete');
    await server.app.hooks.drain();
    await sleep(50);
    expect(stream.messages).toEqual([
      {
        id: stream.clientId,
        event: 'posts/*',
        data: { action: 'create', record: { ...shown } },
      },
      {
        id: stream.clientId,
        event: 'posts/*',
        data: { action: 'update', record: expect.objectContaining({ id: shown.id, title: 'shown again' }) },
      },
      {
        id: stream.clientId,
        event: 'posts/*',
        data: { action: 'delete', record: expect.objectContaining({ id: shown.id, title: 'shown again' }) },
      },
    ]);
  });

  it('checks the view rule for one record, by collection name or id, and applies filter and fields', async () => {
    const stream = await open();
    const post = await create('posts', { title: 'one', public: true });
    const collectionId = post.collectionId as string;
    const options = encodeURIComponent(
      JSON.stringify({ query: { filter: 'title ~ "keep"', fields: 'id,title' }, headers: {} }),
    );
    const filtered = `posts/*?options=${options}`;
    await subscribe(stream.clientId, [`${collectionId}/${post.id}`, 'posts', filtered]);
    await update('posts', post.id, { title: 'one, keep' });
    await update('posts', post.id, { public: false });
    await create('posts', { title: 'drop', public: true });
    const last = await create('posts', { title: 'keep this', public: true });
    await stream.next((event) => event.event === filtered && event.data.record.id === last.id);
    await server.app.hooks.drain();
    await sleep(50);
    const seen = stream.messages.map(
      (event) => `${event.event.split('?')[0]} ${event.data.action} ${event.data.record.title}`,
    );
    // one message per matching subscription; their order within one change is not specified
    expect(seen.slice(0, 3).sort()).toEqual(
      [
        `${collectionId}/${post.id} update one, keep`,
        'posts update one, keep',
        'posts/* update one, keep',
      ].sort(),
    );
    expect(seen.slice(3)).toEqual([
      'posts create drop',
      'posts create keep this',
      'posts/* create keep this',
    ]);
    expect(stream.messages.find((event) => event.event === filtered)?.data.record).toEqual({
      id: post.id,
      title: 'one, keep',
    });
  });

  it('lets each signed-in user receive only their own records, deletes included', async () => {
    const alice = await signIn('alice');
    const bob = await signIn('bob');
    const [aliceStream, bobStream] = [await open(), await open()];
    expect((await subscribe(aliceStream.clientId, ['notes/*'], alice.token)).status).toBe(204);
    expect((await subscribe(bobStream.clientId, ['notes/*'], bob.token)).status).toBe(204);
    const note = await create('notes', { body: 'mine', owner: alice.id }, alice.token);
    // the create's message is checked against the record once sent: not after it is deleted
    await aliceStream.next((event) => event.data.action === 'create');
    await remove('notes', note.id, alice.token);
    await aliceStream.next((event) => event.data.action === 'delete');
    await server.app.hooks.drain();
    await sleep(50);
    expect(aliceStream.messages.map((event) => [event.data.action, event.data.record.body])).toEqual([
      ['create', 'mine'],
      ['delete', 'mine'],
    ]);
    expect(bobStream.messages).toEqual([]);

    const expanded = `notes/*?options=${encodeURIComponent(JSON.stringify({ query: { expand: 'owner' } }))}`;
    await subscribe(aliceStream.clientId, [expanded], alice.token);
    await create('notes', { body: 'expanded', owner: alice.id }, alice.token);
    const event = await aliceStream.next((candidate) => candidate.event === expanded);
    expect(event.data.record.expand.owner).toMatchObject({ id: alice.id, email: alice.email });
  });

  it('stops sending once the client unsubscribed', async () => {
    const stream = await open();
    await subscribe(stream.clientId, ['posts/*']);
    const first = await create('posts', { title: 'before', public: true });
    await stream.next((event) => event.event === 'posts/*');
    expect((await subscribe(stream.clientId, [])).status).toBe(204);
    await create('posts', { title: 'after', public: true });
    await server.app.hooks.drain();
    await sleep(100);
    expect(stream.messages.map((event) => event.data.record.id)).toEqual([first.id]);
  });

  it('refuses an unknown client id (404) and a change of auth (403)', async () => {
    const stream = await open();
    const alice = await signIn('alice');
    const bob = await signIn('bob');
    expect((await subscribe('nope', ['posts/*'])).status).toBe(404);
    expect((await subscribe(stream.clientId, 'posts/*')).status).toBe(400);
    expect((await subscribe(stream.clientId, ['posts/*'], alice.token)).status).toBe(204);
    expect((await subscribe(stream.clientId, ['posts/*'], bob.token)).status).toBe(403);
    expect((await subscribe(stream.clientId, ['posts/*'])).status).toBe(403);
    expect((await subscribe(stream.clientId, [], alice.token)).status).toBe(204);
  });

  it('sends nothing for a write a filter rolled back', async () => {
    cleanups.push(
      server.app.hooks.filter(
        'records.create',
        (payload) => {
          if (payload.title === 'boom') throw new Error('No.');
        },
        { tags: ['posts'], owner: 'test' },
      ),
    );
    const stream = await open();
    await subscribe(stream.clientId, ['posts/*']);
    const refused = await server.request('POST', '/api/collections/posts/records', {
      body: { title: 'boom', public: true },
      token: server.adminToken,
    });
    expect(refused.status).toBe(500);
    const kept = await create('posts', { title: 'kept', public: true });
    await stream.next((event) => event.event === 'posts/*');
    await server.app.hooks.drain();
    await sleep(50);
    expect(stream.messages.map((event) => event.data.record.id)).toEqual([kept.id]);
  });

  it('does not send a message the realtime.message filter stops, for its collection only', async () => {
    const filtered: string[] = [];
    cleanups.push(
      server.app.hooks.filter(
        'realtime.message',
        (message) => {
          filtered.push(message.name);
          return false;
        },
        { tags: ['posts'], owner: 'test' },
      ),
    );
    const sent: string[] = [];
    cleanups.push(
      server.app.hooks.action('realtime.message', (meta) => void sent.push(meta.message.name), {
        owner: 'test',
      }),
    );
    const stream = await open();
    await subscribe(stream.clientId, ['posts/*', 'big/*']);
    await create('posts', { title: 'stopped', public: true });
    await create('big', { body: 'small' });
    await stream.next((event) => event.event === 'big/*');
    await server.app.hooks.drain();
    await sleep(50);
    expect(stream.messages.map((event) => event.event)).toEqual(['big/*']);
    expect(filtered).toEqual(['posts/*']);
    expect(sent).toContain('big/*');
    expect(sent).not.toContain('posts/*');
  });

  it('fires realtime.connect, realtime.subscribe and realtime.disconnect with the client id', async () => {
    const seen: string[] = [];
    const hooks = server.app.hooks;
    cleanups.push(
      hooks.filter(
        'realtime.connect',
        (payload, meta) => void seen.push(`connect filter ${meta.clientId === payload.clientId}`),
        { owner: 'test' },
      ),
      hooks.action('realtime.connect', (meta) => void seen.push(`connect ${meta.clientId}`), {
        owner: 'test',
      }),
      hooks.filter('realtime.subscribe', (topics) => [...topics, 'big/*'], { owner: 'test' }),
      hooks.action(
        'realtime.subscribe',
        (meta) => void seen.push(`subscribe ${meta.clientId} ${meta.subscriptions.join(',')}`),
        { owner: 'test' },
      ),
      hooks.action('realtime.disconnect', (meta) => void seen.push(`disconnect ${meta.clientId}`), {
        owner: 'test',
      }),
    );
    const stream = await open();
    await subscribe(stream.clientId, ['posts/*']);
    await create('big', { body: 'added by the filter' });
    await stream.next((event) => event.event === 'big/*');
    stream.close();
    await until(() => seen.includes(`disconnect ${stream.clientId}`), 5000, 'the disconnect');
    // (clients of earlier tests may still be disconnecting)
    expect(seen.filter((line) => !line.startsWith('disconnect') || line.endsWith(stream.clientId))).toEqual([
      'connect filter true',
      `connect ${stream.clientId}`,
      `subscribe ${stream.clientId} posts/*,big/*`,
      `disconnect ${stream.clientId}`,
    ]);
    expect(realtimeOf(server.app)?.clients.has(stream.clientId)).toBe(false);
  });

  it('fires realtime.connect even when a realtime.message filter drops PB_CONNECT', async () => {
    const hooks = server.app.hooks;
    const connected: string[] = [];
    const sent: string[] = [];
    cleanups.push(
      hooks.filter('realtime.message', (message) => (message.name === 'PB_CONNECT' ? false : message), {
        owner: 'test',
      }),
      hooks.action('realtime.connect', (meta) => void connected.push(meta.clientId), { owner: 'test' }),
      hooks.action('realtime.message', (meta) => void sent.push(`${meta.clientId} ${meta.message.name}`), {
        owner: 'test',
      }),
    );
    const hub = realtimeOf(server.app)!;
    const before = new Set(hub.clients.keys());
    const controller = new AbortController();
    cleanups.push(() => controller.abort());
    const response = await fetch(`${server.url}/api/realtime`, { signal: controller.signal });
    expect(response.status).toBe(200);
    await until(() => [...hub.clients.keys()].some((id) => !before.has(id)), 5000, 'the new client');
    const clientId = [...hub.clients.keys()].find((id) => !before.has(id))!;
    expect((await subscribe(clientId, ['big/*'])).status).toBe(204);
    await create('big', { body: 'after the dropped PB_CONNECT' });
    // messages go out in order: once this one is sent, PB_CONNECT was dropped
    await until(() => sent.includes(`${clientId} big/*`), 5000, 'the record message');
    await hooks.drain();
    expect(sent.filter((line) => line.startsWith(clientId))).toEqual([`${clientId} big/*`]);
    expect(connected).toContain(clientId);
  });

  it('refuses a connection the realtime.connect filter throws on, and drops idle clients', async () => {
    const { ForbiddenError } = await import('@sluice/hooks');
    const unregister = server.app.hooks.filter(
      'realtime.connect',
      () => {
        throw new ForbiddenError('Closed for today.');
      },
      { owner: 'test' },
    );
    const refused = await fetch(`${server.url}/api/realtime`);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ status: 403, message: 'Closed for today.' });
    unregister();

    cleanups.push(
      server.app.hooks.filter('realtime.connect', (payload) => ({ ...payload, idleTimeout: 100 }), {
        owner: 'test',
      }),
    );
    const idle = await open();
    const busy = await open();
    await subscribe(busy.clientId, ['posts/*']);
    await until(() => idle.state.ended, 5000, 'the idle client to be dropped');
    expect(busy.state.ended).toBe(false);
  });

  it('works with the PocketBase SDK: subscribe to a collection and to a record, then unsubscribe', async () => {
    const pb = sdk(server.url);
    await pb.collection('_superusers').authWithPassword(ADMIN_EMAIL, ADMIN_PASSWORD);
    const all: RecordSubscription[] = [];
    const one: RecordSubscription[] = [];
    const unsubscribeAll = await pb.collection('posts').subscribe('*', (event) => void all.push(event));
    const post = await pb.collection('posts').create({ title: 'via sdk', public: false });
    const unsubscribeOne = await pb.collection('posts').subscribe(post.id, (event) => void one.push(event));
    await pb.collection('posts').update(post.id, { title: 'via sdk, updated' });
    await pb.collection('posts').delete(post.id);
    await until(() => all.length === 3 && one.length === 2, 5000, 'the SDK callbacks');
    expect(all.map((event) => [event.action, event.record.id, event.record.title])).toEqual([
      ['create', post.id, 'via sdk'],
      ['update', post.id, 'via sdk, updated'],
      ['delete', post.id, 'via sdk, updated'],
    ]);
    expect(one.map((event) => event.action)).toEqual(['update', 'delete']);

    await unsubscribeOne();
    await unsubscribeAll();
    expect(pb.realtime.isConnected).toBe(false);
    await pb.collection('posts').create({ title: 'after', public: true });
    await server.app.hooks.drain();
    await sleep(100);
    expect(all).toHaveLength(3);
  });

  it('with the SDK, a guest gets what the list rule allows and nothing else', async () => {
    const guest = sdk(server.url);
    const received: RecordSubscription[] = [];
    const unsubscribe = await guest.collection('posts').subscribe('*', (event) => void received.push(event));
    cleanups.push(unsubscribe);
    await create('posts', { title: 'secret', public: false });
    const open = await create('posts', { title: 'open', public: true });
    await until(() => received.length > 0, 5000, 'the public record');
    await server.app.hooks.drain();
    await sleep(50);
    expect(received.map((event) => event.record.id)).toEqual([open.id]);
  });

  it('drops a client that does not read, and writes never wait for it', async () => {
    const body = 'x'.repeat(32 * 1024);
    const reading = await open();
    await subscribe(reading.clientId, ['big/*']);
    const stalled = await stalledClient(server.url);
    cleanups.push(() => stalled.socket.destroy());
    await subscribe(stalled.clientId, ['big/*']);
    const stalledClientOf = () => realtimeOf(server.app)?.clients.get(stalled.clientId);
    // Enough data to fill the socket buffers, then the client's queue: every write completes
    // while the messages it made wait, undelivered, in the stalled client's queue.
    let written = 0;
    let completedWhileBacklogged = 0;
    while (stalledClientOf()) {
      const backlogged = (stalledClientOf()?.queued ?? 0) > 0;
      await create('big', { body });
      written++;
      if (backlogged && stalledClientOf()) completedWhileBacklogged++;
      if (written > 5_000) throw new Error('The stalled client was never dropped.');
    }
    expect(completedWhileBacklogged).toBeGreaterThan(0);
    // the reading client kept up and is still connected
    await until(() => reading.messages.length >= written, 10_000, 'the reading client');
    expect(realtimeOf(server.app)?.clients.has(reading.clientId)).toBe(true);
  });

  it('refuses more topics or distinct options than a client may have, saying which and why', async () => {
    const stream = await open();
    const tooMany = await subscribe(
      stream.clientId,
      Array.from({ length: 201 }, (_, index) => `posts/${index}`),
    );
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({
      status: 400,
      data: {
        subscriptions: { code: 'validation_length_too_long', message: expect.stringContaining('200') },
      },
    });
    const tooVaried = await subscribe(
      stream.clientId,
      Array.from({ length: 51 }, (_, index) => distinctFields(index)),
    );
    expect(tooVaried.status).toBe(400);
    expect(tooVaried.body).toMatchObject({
      status: 400,
      data: {
        subscriptions: { code: 'validation_too_many_options', message: expect.stringContaining('50') },
      },
    });
    const topics = [...Array.from({ length: 50 }, (_, index) => distinctFields(index)), 'posts/*', 'big'];
    expect((await subscribe(stream.clientId, topics)).status).toBe(204);
  });

  it('refuses a subscription to an unknown collection or with a filter that does not compile, naming it', async () => {
    const stream = await open();
    const withFilter = (filter: string) =>
      `posts/*?options=${encodeURIComponent(JSON.stringify({ query: { filter } }))}`;
    const refusals = [
      ['no_such/*', 'unknown collection "no_such"'],
      [withFilter('title ='), 'Invalid filter'],
      [withFilter('nope = 1'), 'unknown field "nope"'],
    ];
    for (const [topic, reason] of refusals) {
      const refused = await subscribe(stream.clientId, ['posts/*', topic]);
      expect(refused.status, topic).toBe(400);
      expect(refused.body).toMatchObject({
        status: 400,
        data: { subscriptions: { code: 'validation_invalid_subscription' } },
      });
      expect(refused.body.data.subscriptions.message).toContain(JSON.stringify(topic));
      expect(refused.body.data.subscriptions.message).toContain(reason);
    }
    expect((await subscribe(stream.clientId, [withFilter('title = "x"')])).status).toBe(204);
  });

  it('builds one message for all the subscriptions and clients that select the same fields', async () => {
    const built = new Set<unknown>();
    cleanups.push(
      server.app.hooks.filter('realtime.message', (message) => void built.add(message.data), {
        tags: ['big'],
        owner: 'test',
      }),
    );
    const topics = Array.from({ length: 40 }, (_, index) => distinctFields(index));
    const [first, second] = [await open(), await open()];
    expect((await subscribe(first.clientId, topics)).status).toBe(204);
    expect((await subscribe(second.clientId, topics.slice(10))).status).toBe(204);
    const record = await create('big', { body: 'shared' });
    await until(() => first.messages.length === 40 && second.messages.length === 30, 5000, 'the messages');
    expect(first.messages.every((event) => event.data.record.id === record.id)).toBe(true);
    expect(built.size).toBe(1);
  });

  it('disconnects a client whose messages of one change exceed its byte budget, before building them', async () => {
    let sentToGreedy = 0;
    const greedy = await open();
    cleanups.push(
      server.app.hooks.action(
        'realtime.message',
        (meta) => {
          if (meta.clientId === greedy.clientId) sentToGreedy++;
        },
        { tags: ['big'], owner: 'test' },
      ),
    );
    const modest = await open();
    // 20 messages of 300 KB: three times the budget
    expect(
      (
        await subscribe(
          greedy.clientId,
          Array.from({ length: 20 }, (_, i) => distinctFields(i)),
        )
      ).status,
    ).toBe(204);
    expect((await subscribe(modest.clientId, ['big/*'])).status).toBe(204);
    const record = await create('big', { body: 'x'.repeat(300_000) });
    await until(() => greedy.state.ended, 5000, 'the greedy client to be dropped');
    await modest.next((event) => event.data.record?.id === record.id);
    expect(sentToGreedy).toBe(0);
    expect(realtimeOf(server.app)?.clients.has(greedy.clientId)).toBe(false);
    expect(realtimeOf(server.app)?.clients.has(modest.clientId)).toBe(true);
  });

  it('lets a client that does not read hold at most its byte budget', async () => {
    const stalled = await stalledClient(server.url);
    cleanups.push(() => stalled.socket.destroy());
    await subscribe(stalled.clientId, ['big/*']);
    const body = 'x'.repeat(200_000);
    let mostBytes = 0;
    let mostMessages = 0;
    await until(
      () => {
        const client = realtimeOf(server.app)?.clients.get(stalled.clientId);
        if (!client) return true;
        mostBytes = Math.max(mostBytes, client.queuedBytes);
        mostMessages = Math.max(mostMessages, client.queued);
        void create('big', { body });
        return false;
      },
      30_000,
      'the stalled client to be dropped',
    );
    await server.app.hooks.drain();
    expect(mostBytes).toBeGreaterThan(0);
    expect(mostBytes).toBeLessThanOrEqual(QUEUE_BYTES);
    // dropped for its bytes, long before its 50 messages
    expect(mostMessages).toBeLessThan(20);
  });

  it('ends the session of a user whose password changed: no private change reaches it afterwards', async () => {
    const alice = await signIn('alice');
    const stream = await open();
    expect((await subscribe(stream.clientId, ['notes/*'], alice.token)).status).toBe(204);
    await create('notes', { body: 'before', owner: alice.id });
    await stream.next((event) => event.data.record?.body === 'before');
    const changed = await server.request('PATCH', `/api/collections/users/records/${alice.id}`, {
      body: { oldPassword: 'password-123', password: 'password-456', passwordConfirm: 'password-456' },
      token: alice.token,
    });
    expect(changed.status, changed.text).toBe(200);
    await until(() => stream.state.ended, 5000, 'the session to end');
    await create('notes', { body: 'after', owner: alice.id });
    await server.app.hooks.drain();
    expect(stream.messages.map((event) => event.data.record.body)).toEqual(['before']);
    expect(realtimeOf(server.app)?.clients.has(stream.clientId)).toBe(false);
  });

  it('keeps the session of a user whose other fields changed, and checks rules with them', async () => {
    const bob = await signIn('bob');
    const stream = await open();
    expect((await subscribe(stream.clientId, ['lounge/*'], bob.token)).status).toBe(204);
    await create('lounge', { topic: 'not yet' });
    const renamed = await server.request('PATCH', `/api/collections/users/records/${bob.id}`, {
      body: { name: 'vip' },
      token: bob.token,
    });
    expect(renamed.status, renamed.text).toBe(200);
    await create('lounge', { topic: 'welcome' });
    await stream.next((event) => event.event === 'lounge/*');
    await server.app.hooks.drain();
    await sleep(50);
    expect(stream.messages.map((event) => event.data.record.topic)).toEqual(['welcome']);
    expect(stream.state.ended).toBe(false);
  });

  describe('the PocketBase example', () => {
    let example: TestServer;

    beforeAll(async () => {
      example = await startServer(dialect, { extensions: join(root, 'examples', 'pocketbase') });
      expect(example.app.extensions.filter((extension) => extension.error)).toEqual([]);
      await createCollection(example, {
        name: 'articles',
        fields: [
          { name: 'title', type: 'text' },
          { name: 'slug', type: 'text' },
          { name: 'draft', type: 'bool' },
        ],
        listRule: '',
        viewRule: '',
        createRule: '',
      });
    });

    afterAll(async () => {
      await example?.stop();
    });

    it('does not send drafts to realtime subscribers (onRealtimeBeforeMessageSend)', async () => {
      const stream = await openStream(example.url);
      streams.push(stream);
      await example.request('POST', '/api/realtime', {
        body: { clientId: stream.clientId, subscriptions: ['articles/*'] },
      });
      const post = (title: string, draft: boolean) =>
        example.request('POST', '/api/collections/articles/records', { body: { title, draft } });
      expect((await post('Draft', true)).status).toBe(200);
      const published = await post('Published', false);
      await stream.next((event) => event.event === 'articles/*');
      await example.app.hooks.drain();
      await sleep(50);
      expect(stream.messages.map((event) => event.data.record)).toEqual([
        expect.objectContaining({
          id: published.body.id,
          title: 'Published',
          slug: 'published',
          draft: false,
        }),
      ]);
    });
  });
});

/** An SSE client that reads up to PB_CONNECT, then never reads again. */
async function stalledClient(url: string): Promise<{ socket: Socket; clientId: string }> {
  const { hostname, port } = new URL(url);
  const socket = connectSocket({ host: hostname, port: Number(port) });
  socket.write(
    `GET /api/realtime HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAccept: text/event-stream\r\n\r\n`,
  );
  let received = '';
  const clientId = await new Promise<string>((resolve, reject) => {
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      received += chunk.toString();
      const match = /data:\{"clientId":"([^"]+)"\}/.exec(received);
      if (match) resolve(match[1]);
    });
  });
  socket.removeAllListeners('data');
  socket.on('error', () => {});
  socket.pause();
  return { socket, clientId };
}
