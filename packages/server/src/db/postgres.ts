import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { Gate } from './gate.ts';
import { withLazyConnections } from './lazy-connections.ts';
import { createTransactionRunner } from './transaction.ts';
import { type Database, type DatabaseLimits, defaultDatabaseLimits } from './types.ts';

const poolSize = 10;

const INT8 = 20;
const NUMERIC = 1700;
const textTypes = new Set([1082, 1083, 1114, 1184, 1266]);

function parseInt8(value: string): number | string {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value;
}

function parseNumeric(value: string): number | string {
  const n = Number(value);
  if (!Number.isFinite(n)) return value;
  return Number.isInteger(n) && !Number.isSafeInteger(n) ? value : n;
}

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): any {
    if (oid === INT8) return parseInt8;
    if (oid === NUMERIC) return parseNumeric;
    if (textTypes.has(oid)) return (value: string) => value;
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

export function createPostgresDatabase(
  url: string,
  limits: DatabaseLimits = defaultDatabaseLimits,
): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    types,
    statement_timeout: limits.queryTimeoutMs,
  });
  // An idle client that loses its connection is discarded by the pool; the next checkout opens a new one.
  pool.on('error', () => {});
  const transactions = createTransactionRunner();
  const gate = new Gate({ capacity: poolSize, maxWaiting: limits.maxWaiting, waitMs: limits.waitMs });
  const db = new Kysely<any>({
    dialect: withLazyConnections(new PostgresDialect({ pool }), gate, transactions.abandoned),
  });
  return {
    dialect: 'postgres',
    db,
    reader: db,
    transaction: (fn, options) => transactions.run(db, fn, options),
    close: () => db.destroy(),
  };
}
