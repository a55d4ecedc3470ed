import http from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, type Dialect, dialects, startServer, type TestServer } from './helpers.ts';

/** Work that takes long — a hook waiting on an outside service, a costly filter — stalls nobody else. */
describe.each(dialects)('slow work (%s)', (dialect: Dialect) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer(dialect, { env: { SLUICE_QUERY_TIMEOUT_MS: '100' } });
    await createCollection(server, {
      name: 'big',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'n', type: 'number' },
      ],
      listRule: '',
      createRule: '',
    });
    await createCollection(server, {
      name: 'slow',
      fields: [{ name: 'title', type: 'text' }],
      createRule: '',
    });
    await server.app.database.db
      .insertInto('big')
      .values(
        Array.from({ length: 1500 }, (_, i) => ({
          id: `big${String(i).padStart(12, '0')}`,
          title: `t${i}`,
          n: i,
        })),
      )
      .execute();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('writes while another write waits in a filter on something that is not the database', async () => {
    let release!: () => void;
    const outsideService = new Promise<void>((resolve) => {
      release = resolve;
    });
    let waiting!: () => void;
    const filterStarted = new Promise<void>((resolve) => {
      waiting = resolve;
    });
    const unregister = server.app.hooks.filter(
      'records.create',
      async (payload) => {
        waiting();
        await outsideService;
        return payload;
      },
      { tags: ['slow'] },
    );
    try {
      let slowAnswered = false;
      const slow = server
        .request('POST', '/api/collections/slow/records', { body: { title: 'waits' } })
        .then((response) => {
          slowAnswered = true;
          return response;
        });
      await filterStarted;
      const other = await server.request('POST', '/api/collections/big/records', { body: { title: 'goes' } });
      expect(other.status).toBe(200);
      expect(slowAnswered).toBe(false);
      release();
      expect((await slow).status).toBe(200);
    } finally {
      unregister();
    }
  });

  it('stops a filter that would join tables for too long with a 503, and answers others meanwhile', async () => {
    const costly = await server.request('GET', '/api/collections/big/records', {
      query: { filter: "@collection.big:a.n != n && @collection.big:b.title ~ 'zzz'" },
    });
    expect(costly.status).toBe(503);
    expect(costly.body.code).toBe('SLUICE_ERR_QUERY_TIMEOUT');
    const health = await server.request('GET', '/api/health');
    expect(health.status).toBe(200);
    const cheap = await server.request('GET', '/api/collections/big/records', { query: { filter: 'n = 7' } });
    expect(cheap.body.totalItems).toBe(1);
  });
});

describe('abandoned requests on PostgreSQL', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer('postgres', { env: { SLUICE_QUERY_TIMEOUT_MS: '60000' } });
    await createCollection(server, { name: 'big', fields: [{ name: 'n', type: 'number' }], listRule: '' });
    await server.app.database.db
      .insertInto('big')
      .values(Array.from({ length: 1000 }, (_, i) => ({ id: `big${String(i).padStart(12, '0')}`, n: i })))
      .execute();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('cancels the queries of clients that left, so they do not hold the pool', async () => {
    const filter = '@collection.big:a.n != n && @collection.big:b.n != n && @collection.big:c.n = -1';
    const url = `${server.url}/api/collections/big/records?filter=${encodeURIComponent(filter)}`;
    // Clients that hang up: each request on a socket of its own, destroyed once the query runs.
    const clients = Array.from({ length: 12 }, () => http.get(url, { agent: false }).on('error', () => {}));
    // Watched over a connection of its own: the server's pool is what the queries hold.
    const watcher = new pg.Client({ connectionString: server.storage.databaseUrl });
    await watcher.connect();
    const running = async () => {
      const { rows } = await watcher.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%__collection%' AND pid <> pg_backend_pid()",
      );
      return rows[0].n as number;
    };
    while ((await running()) < 10) await new Promise((resolve) => setTimeout(resolve, 20));
    for (const client of clients) client.destroy();
    while ((await running()) > 0) await new Promise((resolve) => setTimeout(resolve, 20));
    await watcher.end();
    const cheap = await server.request('GET', '/api/collections/big/records', { query: { filter: 'n = 7' } });
    expect(cheap.status).toBe(200);
    expect(cheap.body.totalItems).toBe(1);
  });
});
