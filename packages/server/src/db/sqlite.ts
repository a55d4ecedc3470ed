import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { allowDirectReads } from './direct.ts';
import { createTransactionRunner } from './transaction.ts';
import type { Database } from './types.ts';

const statementCacheSize = 500;

type Handle = BetterSqlite3.Database;
type Statement = BetterSqlite3.Statement;
type RecordRow = Record<string, unknown>;

/** Wraps a handle so that `prepare` reuses one statement per SQL string (Kysely prepares on every query). */
function withStatementCache(handle: Handle) {
  const cache = new Map<string, Statement>();
  return {
    close: () => {
      cache.clear();
      handle.close();
    },
    prepare(sql: string): Statement {
      let statement = cache.get(sql);
      if (statement && !statement.busy) return statement;
      statement = handle.prepare(sql);
      if (cache.size >= statementCacheSize) cache.delete(cache.keys().next().value as string);
      cache.set(sql, statement);
      return statement;
    },
  };
}

export function createSqliteDatabase(file: string): Database {
  const writer = new BetterSqlite3(file);
  writer.pragma('journal_mode = WAL');
  writer.pragma('busy_timeout = 5000');
  writer.pragma('synchronous = NORMAL');
  writer.pragma('foreign_keys = ON');

  const readerHandle = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  readerHandle.pragma('busy_timeout = 5000');

  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: withStatementCache(writer) }) });
  const readerStatements = withStatementCache(readerHandle);
  const reader = new Kysely<any>({ dialect: new SqliteDialect({ database: readerStatements }) });
  allowDirectReads(reader, (sql, parameters) => readerStatements.prepare(sql).all(parameters) as RecordRow[]);

  return {
    dialect: 'sqlite',
    db,
    reader,
    transaction: createTransactionRunner(db),
    async close() {
      await reader.destroy();
      await db.destroy();
    },
  };
}
