import { existsSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { Database, Dialect } from '../db/types.ts';
import { LOG_COLUMNS } from './row-text.ts';
import { LOGS } from './store.ts';

/** PocketBase's name for the file beside `data.db` that holds the request logs. */
export const AUXILIARY_FILE = 'auxiliary.db';

/** Where the request logs are kept: read through `db`, written a batch at a time by `insert`. */
export interface LogDatabase {
  readonly dialect: Dialect;
  /** Lists, counts and prunes. */
  readonly db: Kysely<any>;
  /** Writes rows, all or none: their values one after the other, `LOG_COLUMNS` a row (`row-text.ts`). */
  insert(values: readonly string[]): void | Promise<void>;
  close(): Promise<void>;
}

/** The page cache of `auxiliary.db`, in KiB. */
const CACHE_KIB = 1024;

/** Rows one insert statement takes (5 parameters each, well under SQLite's limit of 32 766). */
const CHUNK_ROWS = 50;

const CREATE_LOGS = `CREATE TABLE IF NOT EXISTS "${LOGS}" (
  "id" TEXT PRIMARY KEY NOT NULL,
  "created" TEXT NOT NULL DEFAULT '',
  "level" INTEGER NOT NULL DEFAULT 0,
  "message" TEXT NOT NULL DEFAULT '',
  "data" TEXT NOT NULL DEFAULT '{}'
)`;

/**
 * The request logs of a SQLite data folder, in `auxiliary.db` beside `data.db`: their writes
 * never wait for, nor hold up, the records' single writer, and a large log does not bloat the
 * data file or its backups. A batch is one transaction of prepared statements of 50 rows each.
 */
export function openAuxiliaryLogs(dir: string): LogDatabase {
  const handle = new BetterSqlite3(join(dir, AUXILIARY_FILE));
  handle.pragma('journal_mode = WAL');
  handle.pragma('synchronous = NORMAL');
  handle.pragma('busy_timeout = 5000');
  // better-sqlite3 builds SQLite with a page cache of 16 MB a connection: rows are only appended
  // here and seldom read back, so a full cache of them would be memory for nothing
  handle.pragma(`cache_size = -${CACHE_KIB}`);
  handle.exec(CREATE_LOGS);
  const insert = (rows: number) =>
    handle.prepare(
      `INSERT INTO "${LOGS}" ("id", "created", "level", "message", "data") VALUES ${Array(rows).fill('(?, ?, ?, ?, ?)').join(', ')}`,
    );
  const insertOne = insert(1);
  // rows a statement at a time: each run of a statement costs about as much as a row
  const insertChunk = insert(CHUNK_ROWS);
  const perChunk = CHUNK_ROWS * LOG_COLUMNS;
  const insertAll = handle.transaction((values: readonly string[]) => {
    let at = 0;
    // as arguments, not an array: the driver reads an array's items one API call each
    for (; at + perChunk <= values.length; at += perChunk)
      insertChunk.run(...values.slice(at, at + perChunk));
    for (; at < values.length; at += LOG_COLUMNS) insertOne.run(...values.slice(at, at + LOG_COLUMNS));
  });
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: handle }) });
  return {
    dialect: 'sqlite',
    db,
    insert: (values) => void insertAll(values),
    close: () => db.destroy(),
  };
}

/**
 * The request logs of a PostgreSQL deployment: `_logs` in the same database, which every
 * instance of a cluster shares, so that `/api/logs` on any of them shows every request. A batch
 * is one statement with one parameter, however many rows.
 */
export function databaseLogs(database: Database): LogDatabase {
  return {
    dialect: database.dialect,
    db: database.db,
    async insert(values) {
      const rows = [];
      for (let at = 0; at < values.length; at += LOG_COLUMNS) {
        const [id, created, level, message, data] = values.slice(at, at + LOG_COLUMNS);
        rows.push({ id, created, level: Number(level), message, data });
      }
      const json = JSON.stringify(rows);
      await sql`INSERT INTO ${sql.table(LOGS)} ("id", "created", "level", "message", "data")
        SELECT "id", "created", "level", "message", "data"
        FROM json_to_recordset(CAST(${json} AS JSON))
          AS rows("id" TEXT, "created" TEXT, "level" INTEGER, "message" TEXT, "data" TEXT)`.execute(
        database.db,
      );
    },
    close: async () => {},
  };
}

/**
 * Moves the request logs a data folder kept in `data.db` (before they had a file of their own)
 * into `auxiliary.db`, then drops them from `data.db`. Run once, at start-up; a move cut short
 * is finished at the next start (rows already moved are skipped).
 */
export async function moveLogsOutOfDataFile(database: Database, dir: string): Promise<number> {
  const found = await sql<{ name: string }>`SELECT "name" FROM sqlite_master
    WHERE "type" = 'table' AND "name" = ${LOGS}`.execute(database.db);
  if (found.rows.length === 0) return 0;
  const dataFile = join(dir, 'data.db');
  if (!existsSync(dataFile)) return 0;
  const handle = new BetterSqlite3(join(dir, AUXILIARY_FILE));
  let moved = 0;
  try {
    handle.pragma('busy_timeout = 5000');
    handle.exec(CREATE_LOGS);
    handle.prepare('ATTACH DATABASE ? AS "data"').run(dataFile);
    moved = handle
      .prepare(`INSERT OR IGNORE INTO main."${LOGS}" SELECT "id", "created", "level", "message", "data"
        FROM "data"."${LOGS}"`)
      .run().changes;
    handle.exec('DETACH DATABASE "data"');
  } finally {
    handle.close();
  }
  await sql`DROP TABLE ${sql.table(LOGS)}`.execute(database.db);
  return moved;
}
