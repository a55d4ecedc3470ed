import { EventSource } from 'eventsource';
import PocketBase from 'pocketbase';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCollection,
  type Dialect,
  dialects,
  signUp,
  startServer,
  type TestServer,
  until,
} from './helpers.ts';

(globalThis as { EventSource?: unknown }).EventSource = EventSource;

/** Filters written to cost the server or to read what the caller may not list: each is refused or contained. */
describe.each(dialects)('hostile filters (%s)', (dialect: Dialect) => {
  let server: TestServer;
  let alice: { id: string; token: string };
  let bob: { id: string; token: string };

  beforeAll(async () => {
    server = await startServer(dialect);
    await createCollection(server, {
      name: 'open',
      fields: [{ name: 'title', type: 'text' }],
      listRule: '',
      createRule: '',
    });
    await createCollection(server, {
      name: 'notes',
      fields: [
        { name: 'secret', type: 'text' },
        { name: 'owner', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1 },
      ],
      listRule: 'owner = @request.auth.id',
      createRule: 'owner = @request.auth.id',
    });
    alice = await signUp(server, 'alice');
    bob = await signUp(server, 'bob');
    for (const [who, secret] of [
      [alice, 'ALICE-SECRET-42'],
      [bob, 'bob-note'],
    ] as const) {
      const created = await server.request('POST', '/api/collections/notes/records', {
        token: who.token,
        body: { secret, owner: who.id },
      });
      expect(created.status).toBe(200);
    }
    expect(
      (await server.request('POST', '/api/collections/open/records', { body: { title: 'x' } })).status,
    ).toBe(200);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('refuses a filter whose request arrays would expand to millions of comparisons, with a 400', async () => {
    const filter =
      '@request.query.a ?= @request.query.b || @request.query.a ?= @request.query.b || title = "x"';
    const params = new URLSearchParams({ filter });
    for (let i = 0; i < 1400; i++) params.append('a', '1');
    for (let i = 0; i < 1400; i++) params.append('b', '2');
    const response = await server.request('GET', `/api/collections/open/records?${params}`);
    expect(response.status).toBe(400);
    expect(response.body.data.filter.message).toMatch(/more than 100 values/);

    const within = new URLSearchParams({ filter });
    for (let i = 0; i < 10; i++) within.append('a', String(i));
    for (let i = 0; i < 10; i++) within.append('b', String(i + 9));
    const answered = await server.request('GET', `/api/collections/open/records?${within}`);
    expect(answered.status).toBe(200);
    expect(answered.body.totalItems).toBe(1);
  });

  it('limits @collection joins to the rows the joined collection lists for the caller', async () => {
    const probe = (pattern: string) =>
      server.request('GET', '/api/collections/notes/records', {
        token: bob.token,
        query: { filter: `@collection.notes:x.secret ~ '${pattern}'` },
      });
    const oracle = await probe('ALICE%');
    expect(oracle.status).toBe(200);
    expect(oracle.body.totalItems).toBe(0);
    const own = await probe('bob%');
    expect(own.body.totalItems).toBe(1);
  });

  it('limits relation paths to the related records the caller may list', async () => {
    const answered = await server.request('GET', '/api/collections/open/records', {
      token: bob.token,
      query: { filter: "@collection.notes.owner.name = 'alice'" },
    });
    expect(answered.status).toBe(200);
    expect(answered.body.totalItems).toBe(0);
  });

  it('does not let a record of another auth collection with the same id pass `owner = @request.auth.id`', async () => {
    const created = await server.request('POST', '/api/collections', {
      token: server.adminToken,
      body: { name: 'guests', type: 'auth', createRule: '', fields: [] },
    });
    expect(created.status).toBe(200);
    const namesake = await signUp(server, 'namesake', { collection: 'guests', body: { id: alice.id } });
    expect(namesake.id).toBe(alice.id);
    const listed = await server.request('GET', '/api/collections/notes/records', { token: namesake.token });
    expect(listed.status).toBe(200);
    expect(listed.body.totalItems).toBe(0);
    const own = await server.request('GET', '/api/collections/notes/records', { token: alice.token });
    expect(own.body.items.map((note: { secret: string }) => note.secret)).toEqual(['ALICE-SECRET-42']);
  });

  it("limits a realtime subscription's filter to what the caller may list", async () => {
    const pb = new PocketBase(server.url);
    pb.autoCancellation(false);
    pb.authStore.save(bob.token);
    const oracle: string[] = [];
    const own: string[] = [];
    await pb.collection('notes').subscribe('*', (event) => oracle.push(event.record.secret), {
      filter: "@collection.notes:x.secret ~ 'ALICE%'",
    });
    await pb.collection('notes').subscribe('*', (event) => own.push(event.record.secret), {
      filter: "@collection.notes:x.secret ~ 'bob%'",
    });
    try {
      for (const secret of ['bob-second', 'bob-third']) {
        const created = await server.request('POST', '/api/collections/notes/records', {
          token: bob.token,
          body: { secret, owner: bob.id },
        });
        expect(created.status).toBe(200);
        await until(() => own.includes(secret), 5000, `the change of ${secret}`);
      }
      expect(oracle).toEqual([]);
    } finally {
      pb.realtime.unsubscribe();
    }
  });
});
