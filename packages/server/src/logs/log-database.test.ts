import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { bootstrapTestApp } from '../app/testing.ts';
import type { App } from '../app/types.ts';
import { AUXILIARY_FILE } from './log-database.ts';
import { logRowText, logValues } from './row-text.ts';
import { LOGS } from './store.ts';

const tablesOf = async (app: App) =>
  (
    await sql<{ name: string }>`SELECT "name" FROM sqlite_master WHERE "type" = 'table'`.execute(
      app.database.db,
    )
  ).rows.map((row) => row.name);

describe('request logs on SQLite', () => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(() => cleanup?.());

  it('are kept in auxiliary.db, not in data.db', async () => {
    const test = await bootstrapTestApp();
    cleanup = test.cleanup;
    const { app } = test;
    expect(await tablesOf(app)).not.toContain(LOGS);
    await app.services.logs.database.insert(
      logValues(
        logRowText({
          id: 'aux00000000001',
          created: '2030-01-01 00:00:00.000Z',
          level: 0,
          message: 'GET /x',
          data: {
            type: 'request',
            method: 'GET',
            url: '/x',
            status: 200,
            execTime: 1,
            auth: '',
            referer: '',
            userAgent: '',
          },
        }),
      ),
    );
    expect(existsSync(join(app.options.dir, AUXILIARY_FILE))).toBe(true);
    expect((await app.services.logs.view('aux00000000001')).data.url).toBe('/x');
  });

  it('keep a page cache of 1 MB for auxiliary.db, not the 16 MB of the driver', async () => {
    const test = await bootstrapTestApp();
    cleanup = test.cleanup;
    const { rows } = await sql<{ cache_size: number }>`PRAGMA cache_size`.execute(
      test.app.services.logs.database.db,
    );
    expect(rows[0]?.cache_size).toBe(-1024);
  });

  it('are moved out of the data.db of an older data folder at start-up, once', async () => {
    const first = await bootstrapTestApp();
    const { dir } = first.app.options;
    // the table as the data folders made before auxiliary.db have it, with two rows
    await sql`CREATE TABLE "_logs" ("id" TEXT PRIMARY KEY NOT NULL, "created" TEXT NOT NULL DEFAULT '',
      "level" INTEGER NOT NULL DEFAULT 0, "message" TEXT NOT NULL DEFAULT '', "data" TEXT NOT NULL DEFAULT '{}')`.execute(
      first.app.database.db,
    );
    for (const id of ['old00000000001', 'old00000000002'])
      await first.app.database.db
        .insertInto(LOGS)
        .values({
          id,
          created: '2030-01-01 00:00:00.000Z',
          level: 4,
          message: `GET /${id}`,
          data: '{"status":404}',
        })
        .execute();
    await first.app.stop();

    const second = await bootstrapTestApp({ dir });
    cleanup = async () => {
      await second.cleanup();
      rmSync(dir, { recursive: true, force: true });
    };
    const { app } = second;
    expect(await tablesOf(app)).not.toContain(LOGS);
    const page = await app.services.logs.list({ page: 1, perPage: 10, filter: '', sort: 'id' });
    expect(page.items.map((item) => [item.id, item.level, item.data.status])).toEqual([
      ['old00000000001', 4, 404],
      ['old00000000002', 4, 404],
    ]);
    // nothing left to move at the next start
    await app.services.logs.moveOutOfDataFile();
    expect((await app.services.logs.list({ page: 1, perPage: 10, filter: '', sort: 'id' })).totalItems).toBe(
      2,
    );
  });
});
