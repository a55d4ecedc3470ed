import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, openTestDatabase } from './testing.ts';
import type { Database } from './types.ts';

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
