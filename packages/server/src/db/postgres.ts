import { CompiledQuery, type DatabaseConnection, Kysely, PostgresDialect } from 'kysely';
import type Pg from 'pg';
import { lazyModule } from '../lazy-module.ts';
import { Gate } from './gate.ts';
import { withLazyConnections } from './lazy-connections.ts';
import { postgresReadNow } from './postgres-read-now.ts';
import { INT8, NUMERIC, parseInt8, parseNumeric, TEXT_TYPES } from './postgres-types.ts';
import { createScopes } from './scopes.ts';
import { type Database, type DatabaseLimits, DEFAULT_MAX_WAITING, DEFAULT_WAIT_MS } from './types.ts';

const pg = lazyModule<typeof Pg>('pg');

const poolSize = 10;

const textTypes = new Set(TEXT_TYPES);

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): any {
    if (oid === INT8) return parseInt8;
    if (oid === NUMERIC) return parseNumeric;
    if (textTypes.has(oid)) return (value: string) => value;
    return pg().types.getTypeParser(oid, format as 'text');
  },
};

export function createPostgresDatabase(url: string, limits: DatabaseLimits = {}): Database {
  const { queryTimeoutMs = 5000, waitMs = DEFAULT_WAIT_MS, maxWaiting = DEFAULT_MAX_WAITING } = limits;
  const pool = new (pg().Pool)({
    connectionString: url,
    max: poolSize,
    types,
    statement_timeout: queryTimeoutMs,
  });
  // An idle client that loses its connection is discarded by the pool; the next checkout opens a new one.
  pool.on('error', () => {});
  const scopes = createScopes();
  const gate = new Gate({ capacity: poolSize, maxWaiting, waitMs });
  const backends = new WeakMap<DatabaseConnection, number>();
  const dialect = new PostgresDialect({
    pool,
    async onCreateConnection(connection) {
      const { rows } = await connection.executeQuery<{ pid: number }>(
        CompiledQuery.raw('SELECT pg_backend_pid() AS pid'),
      );
      backends.set(connection, rows[0].pid);
    },
  });
  const cancel = (connection: DatabaseConnection) => {
    const pid = backends.get(connection);
    if (pid !== undefined) cancelBackend(url, pid);
  };
  const db = new Kysely<any>({
    dialect: withLazyConnections(dialect, {
      gate,
      caller: scopes.caller,
      openingCaller: scopes.openingCaller,
      cancel,
    }),
  });
  const readNow = postgresReadNow(url, queryTimeoutMs);
  return {
    dialect: 'postgres',
    db,
    reader: db,
    readNow: readNow.read,
    transaction: (fn, options) => scopes.transaction(db, fn, options?.caller),
    scopeTransactionsWhen: scopes.scopeTransactionsWhen,
    cancellable: (caller, fn) => scopes.withCaller(caller, fn),
    async close() {
      await readNow.close();
      await db.destroy();
    },
  };
}

/**
 * Cancels the statement running on backend `pid`, over a connection of its own: the pool may be
 * exhausted by the very statements being cancelled.
 */
function cancelBackend(url: string, pid: number): void {
  const client = new (pg().Client)({ connectionString: url });
  client.on('error', () => {});
  client
    .connect()
    .then(() => client.query('SELECT pg_cancel_backend($1)', [pid]))
    .catch(() => {})
    .finally(() => client.end().catch(() => {}));
}
