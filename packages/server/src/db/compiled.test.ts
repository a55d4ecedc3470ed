import { CompiledQuery, type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCompiled } from './compiled.ts';
import { dialects, openTestDatabase } from './testing.ts';
import type { Database } from './types.ts';

const insert = (id: string) => CompiledQuery.raw(`INSERT INTO "items" ("id") VALUES ('${id}')`, []);
const ids = async (database: Database) =>
  (await database.db.selectFrom('items').select('id').orderBy('id').execute()).map((row) => row.id);

describe.each(dialects)('executeCompiled on %s', (dialect) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ database, cleanup } = await openTestDatabase(dialect));
    await sql`CREATE TABLE "items" ("id" TEXT PRIMARY KEY)`.execute(database.db);
  });
  afterAll(() => cleanup());

  it("runs in the transaction's own connection: a rollback undoes it, a commit keeps it", async () => {
    await expect(
      database.transaction(async (trx) => {
        await executeCompiled(trx, insert('rolled-back'));
        expect((await trx.selectFrom('items').select('id').execute()).map((row) => row.id)).toEqual([
          'rolled-back',
        ]);
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    await database.transaction((trx) => executeCompiled(trx, insert('kept')));
    expect(await ids(database)).toEqual(['kept']);
  });

  it('keeps transactions that run at once apart, and runs outside one as Kysely does', async () => {
    const writes = ['a', 'b', 'c'].map((id) =>
      database.transaction(async (trx) => {
        await executeCompiled(trx, insert(`${id}1`));
        await new Promise((resolve) => setTimeout(resolve, 5));
        await executeCompiled(trx, insert(`${id}2`));
        if (id === 'b') throw new Error('undo b');
      }),
    );
    const outcomes = await Promise.allSettled(writes);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    await executeCompiled(database.db, insert('outside'));
    expect(await ids(database)).toEqual(['a1', 'a2', 'c1', 'c2', 'kept', 'outside']);
  });

  it('refuses a statement sent through a transaction that has ended, and writes nothing', async () => {
    let ended: Kysely<any> | undefined;
    await database.transaction(async (trx) => {
      await executeCompiled(trx, insert('in-time'));
      ended = trx;
    });
    await expect(executeCompiled(ended!, insert('too-late'))).rejects.toThrow(/ended/);
    expect(await ids(database)).toContain('in-time');
    expect(await ids(database)).not.toContain('too-late');
  });
});
