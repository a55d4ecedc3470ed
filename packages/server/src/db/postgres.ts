import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { createTransactionRunner } from './transaction.ts';
import type { Database } from './types.ts';

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

export function createPostgresDatabase(url: string): Database {
  const pool = new pg.Pool({ connectionString: url, max: 10, types });
  // An idle client that loses its connection is discarded by the pool; the next checkout opens a new one.
  pool.on('error', () => {});
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
  return {
    dialect: 'postgres',
    db,
    reader: db,
    transaction: createTransactionRunner(db),
    close: () => db.destroy(),
  };
}
