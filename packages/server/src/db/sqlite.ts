import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { installDeadline } from './deadline.ts';
import { allowDirectReads } from './direct.ts';
import { Gate } from './gate.ts';
import { withLazyConnections } from './lazy-connections.ts';
import { createScopes } from './scopes.ts';
import { type Database, type DatabaseLimits, DEFAULT_MAX_WAITING, DEFAULT_WAIT_MS } from './types.ts';

const statementCacheSize = 500;

type Handle = BetterSqlite3.Database;
type Statement = BetterSqlite3.Statement;
type RecordRow = Record<string, unknown>;

/**
 * Wraps a handle so that `prepare` reuses one statement per SQL string (Kysely prepares on every
 * query). Kysely and the direct reads run a statement right after preparing it, so `prepare` is
 * also where its deadline starts.
 */
function withStatementCache(handle: Handle, queryTimeoutMs: number) {
  const cache = new Map<string, Statement>();
  const startStatement = installDeadline(handle, queryTimeoutMs);
  return {
    close: () => {
      cache.clear();
      handle.close();
    },
    prepare(sql: string): Statement {
      startStatement();
      let statement = cache.get(sql);
      if (statement && !statement.busy) return statement;
      statement = handle.prepare(sql);
      if (cache.size >= statementCacheSize) cache.delete(cache.keys().next().value as string);
      cache.set(sql, statement);
      return statement;
    },
  };
}

export function createSqliteDatabase(file: string, limits: DatabaseLimits = {}): Database {
  const { queryTimeoutMs = 1000, waitMs = DEFAULT_WAIT_MS, maxWaiting = DEFAULT_MAX_WAITING } = limits;
  const writer = new BetterSqlite3(file);
  writer.pragma('journal_mode = WAL');
  writer.pragma('busy_timeout = 5000');
  writer.pragma('synchronous = NORMAL');
  writer.pragma('foreign_keys = ON');

  const readerHandle = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  readerHandle.pragma('busy_timeout = 5000');

  const scopes = createScopes();
  const gate = new Gate({ capacity: 1, maxWaiting, waitMs });
  const dialect = new SqliteDialect({ database: withStatementCache(writer, queryTimeoutMs) });
  const db = new Kysely<any>({
    dialect: withLazyConnections(dialect, {
      gate,
      caller: scopes.caller,
      openingCaller: scopes.openingCaller,
    }),
  });
  const readerStatements = withStatementCache(readerHandle, queryTimeoutMs);
  const reader = new Kysely<any>({ dialect: new SqliteDialect({ database: readerStatements }) });
  const readNow = (sql: string, parameters: readonly unknown[]) =>
    readerStatements.prepare(sql).all(parameters) as RecordRow[];
  allowDirectReads(reader, readNow);

  return {
    dialect: 'sqlite',
    db,
    reader,
    readNow,
    transaction: (fn, options) => scopes.transaction(db, fn, options?.caller),
    scopeTransactionsWhen: scopes.scopeTransactionsWhen,
    // Reads run synchronously on the reader to their end; the query timeout bounds them.
    cancellable: (_caller, fn) => fn(),
    async close() {
      await reader.destroy();
      await db.destroy();
    },
  };
}
