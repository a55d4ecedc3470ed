import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isQueryTimeout, withoutQueryTimeout } from './deadline.ts';
import { dialects, openTestDatabase } from './testing.ts';
import type { Caller, Database } from './types.ts';

/** A promise and what resolves it. */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** A caller that is gone once `signal` aborts. */
function callerOf(signal: AbortSignal): Caller {
  return { gone: () => signal.aborted, signal: () => signal };
}

describe.each(dialects)('database (%s)', (dialect) => {
  let database: Database;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ database, cleanup } = await openTestDatabase(dialect));
    await sql`CREATE TABLE "things" ("id" TEXT PRIMARY KEY, "n" INTEGER NOT NULL DEFAULT 0, "big" BIGINT)`.execute(
      database.db,
    );
  });
  afterAll(() => cleanup());

  it('writes, reads through the reader, and returns numbers for integers', async () => {
    await database.db.insertInto('things').values({ id: 'a', n: 1, big: 42 }).execute();
    const row = await database.reader
      .selectFrom('things')
      .selectAll()
      .where('id', '=', 'a')
      .executeTakeFirst();
    expect(row).toEqual({ id: 'a', n: 1, big: 42 });
  });

  it('reads synchronously what is committed, values parsed as the reader parses them', async () => {
    const id = `now-${dialect}`;
    await database.db.insertInto('things').values({ id, n: 7, big: 9007199254740991 }).execute();
    const query = database.reader.selectFrom('things').selectAll().where('id', '=', id).compile();
    expect(database.readNow(query.sql, query.parameters)).toEqual([{ id, n: 7, big: 9007199254740991 }]);
    // an open transaction's write is not seen (a read that waited for it would block the writer)
    await database.transaction(async (trx) => {
      await trx.updateTable('things').set({ n: 8 }).where('id', '=', id).execute();
      expect(database.readNow(query.sql, query.parameters)).toEqual([{ id, n: 7, big: 9007199254740991 }]);
    });
    expect(database.readNow(query.sql, query.parameters)[0]?.n).toBe(8);
    expect(() => database.readNow('select * from "missing_table"', [])).toThrow(/missing_table/);
  });

  it('rolls back a failed transaction', async () => {
    await expect(
      database.transaction(async (trx) => {
        await trx.insertInto('things').values({ id: 'b', n: 2 }).execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const row = await database.reader
      .selectFrom('things')
      .selectAll()
      .where('id', '=', 'b')
      .executeTakeFirst();
    expect(row).toBeUndefined();
  });

  it('reuses the open transaction when called inside one', async () => {
    await database.transaction(async (outer) => {
      await outer.insertInto('things').values({ id: 'c', n: 3 }).execute();
      await database.transaction(async (inner) => {
        expect(inner).toBe(outer);
        await inner.updateTable('things').set({ n: 4 }).where('id', '=', 'c').execute();
      });
    });
    const row = await database.reader
      .selectFrom('things')
      .select('n')
      .where('id', '=', 'c')
      .executeTakeFirst();
    expect(row).toEqual({ n: 4 });
  });

  it('lets readers read while a write transaction is open', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const writing = database.transaction(async (trx) => {
      await trx.insertInto('things').values({ id: 'd', n: 5 }).execute();
      await held;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const seen = await database.reader
      .selectFrom('things')
      .select('id')
      .where('id', '=', 'd')
      .executeTakeFirst();
    expect(seen).toBeUndefined();
    release();
    await writing;
    const after = await database.reader
      .selectFrom('things')
      .select('id')
      .where('id', '=', 'd')
      .executeTakeFirst();
    expect(after).toEqual({ id: 'd' });
  });

  it('serializes concurrent writers', async () => {
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        database.transaction(async (trx) => {
          const row = await trx
            .selectFrom('things')
            .select('n')
            .where('id', '=', 'a')
            .executeTakeFirstOrThrow();
          await trx
            .updateTable('things')
            .set({ n: Number(row.n) + 1 })
            .where('id', '=', 'a')
            .execute();
          return i;
        }),
      ),
    );
    const row = await database.reader
      .selectFrom('things')
      .select('n')
      .where('id', '=', 'a')
      .executeTakeFirst();
    if (dialect === 'sqlite') expect(row).toEqual({ n: 11 });
    else expect(Number(row?.n)).toBeGreaterThan(1);
  });
});

describe.each(dialects)('database limits (%s)', (dialect) => {
  let database: Database;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ database, cleanup } = await openTestDatabase(dialect, {
      queryTimeoutMs: 50,
      waitMs: 200,
      maxWaiting: 2,
    }));
    await sql`CREATE TABLE "items" ("id" INTEGER PRIMARY KEY)`.execute(database.db);
    await database.db
      .insertInto('items')
      .values(Array.from({ length: 400 }, (_, id) => ({ id })))
      .execute();
  });
  afterAll(() => cleanup());

  it('takes a connection at the first statement, so a transaction still waiting holds none', async () => {
    const release = deferred();
    let slowDone = false;
    const slow = database
      .transaction(async (trx) => {
        await release.promise;
        await trx.insertInto('items').values({ id: 1001 }).execute();
      })
      .then(() => {
        slowDone = true;
      });
    await database.transaction((trx) => trx.insertInto('items').values({ id: 1002 }).execute());
    expect(slowDone).toBe(false);
    release.resolve();
    await slow;
    const ids = await database.db.selectFrom('items').select('id').where('id', '>', 1000).execute();
    expect(ids.map((row) => Number(row.id)).sort()).toEqual([1001, 1002]);
  });

  it.each([
    ['in the async context', true],
    ['left out of the async context', false],
  ])('drops a write whose caller has gone before it takes a connection (%s)', async (_, scoped) => {
    database.scopeTransactionsWhen(() => scoped);
    try {
      await expect(
        database.transaction((trx) => trx.insertInto('items').values({ id: 1003 }).execute(), {
          caller: callerOf(AbortSignal.abort()),
        }),
      ).rejects.toMatchObject({ status: 503 });
    } finally {
      database.scopeTransactionsWhen(() => true);
    }
    const row = await database.db.selectFrom('items').select('id').where('id', '=', 1003).executeTakeFirst();
    expect(row).toBeUndefined();
  });

  it.runIf(dialect === 'postgres')('lets a schema change run past the query timeout', async () => {
    await expect(sql`SELECT pg_sleep(0.2)`.execute(database.db)).rejects.toSatisfy(isQueryTimeout);
    await database.transaction(async (trx) => {
      await withoutQueryTimeout(trx, dialect);
      await sql`SELECT pg_sleep(0.2)`.execute(trx);
    });
  });

  it('stops a statement that runs past the query timeout', async () => {
    const runaway =
      dialect === 'sqlite'
        ? sql`SELECT count(*) AS n FROM items a JOIN items b ON sluice_deadline() JOIN items c ON sluice_deadline()`
        : sql`SELECT count(*) AS n FROM items a, items b, items c, items d`;
    const error = await runaway.execute(database.reader).catch((caught: unknown) => caught);
    if (dialect === 'sqlite') expect(error).toMatchObject({ status: 503, code: 'SLUICE_ERR_QUERY_TIMEOUT' });
    else expect(isQueryTimeout(error)).toBe(true);
    const after = await sql`SELECT count(*) AS n FROM items`.execute(database.reader);
    expect(Number((after.rows[0] as { n: unknown }).n)).toBeGreaterThanOrEqual(400);
  });
});

describe('the single SQLite writer', () => {
  let database: Database;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ database, cleanup } = await openTestDatabase('sqlite', {
      queryTimeoutMs: 50,
      waitMs: 100,
      maxWaiting: 1,
    }));
    await sql`CREATE TABLE "items" ("id" INTEGER PRIMARY KEY)`.execute(database.db);
  });
  afterAll(() => cleanup());

  it('makes other writers wait a bounded time, a bounded number of them, then answers 503', async () => {
    const held = deferred();
    const started = deferred();
    const holder = database.transaction(async (trx) => {
      await trx.insertInto('items').values({ id: 1 }).execute();
      started.resolve();
      await held.promise;
    });
    await started.promise;
    const waiter = database.transaction((trx) => trx.insertInto('items').values({ id: 2 }).execute());
    const refusedAtOnce = database.transaction((trx) => trx.insertInto('items').values({ id: 3 }).execute());
    await expect(refusedAtOnce).rejects.toMatchObject({ status: 503 });
    await expect(waiter).rejects.toMatchObject({ status: 503 });
    held.resolve();
    await holder;
    await database.transaction((trx) => trx.insertInto('items').values({ id: 4 }).execute());
    const ids = await database.db.selectFrom('items').select('id').orderBy('id').execute();
    expect(ids.map((row) => Number(row.id))).toEqual([1, 4]);
  });
});

describe('cancellation on PostgreSQL', () => {
  let database: Database;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ database, cleanup } = await openTestDatabase('postgres', {
      queryTimeoutMs: 60_000,
      waitMs: 5000,
      maxWaiting: 10,
    }));
  });
  afterAll(() => cleanup());

  it('cancels the running statement of a caller whose signal aborts', async () => {
    const controller = new AbortController();
    const running = database
      .cancellable(callerOf(controller.signal), () => sql`SELECT pg_sleep(30) AS slept`.execute(database.db))
      .catch((error: unknown) => error);
    const sleeping = async () => {
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE query LIKE 'SELECT pg_sleep(30)%' AND state = 'active'`.execute(database.db);
      return rows[0].n > 0;
    };
    while (!(await sleeping())) await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    expect(isQueryTimeout(await running)).toBe(true);
  });

  it('drops a statement whose caller went before it started', async () => {
    const error = await database
      .cancellable(callerOf(AbortSignal.abort()), () => sql`SELECT 1`.execute(database.db))
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 503 });
  });
});
