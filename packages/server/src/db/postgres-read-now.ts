import { createRequire } from 'node:module';
import { blockingWorker } from '../blocking/worker.ts';
import type { DirectRead } from './direct.ts';
import { INT8, NUMERIC, parseInt8, parseNumeric, TEXT_TYPES } from './postgres-types.ts';

/** A connection of its own in a worker thread, parsing values as the pool does. */
const SOURCE = `
const pg = require(workerData.pg);
const parseInt8 = ${parseInt8};
const parseNumeric = ${parseNumeric};
const textTypes = new Set(${JSON.stringify(TEXT_TYPES)});
const types = {
  getTypeParser(oid, format) {
    if (oid === ${INT8}) return parseInt8;
    if (oid === ${NUMERIC}) return parseNumeric;
    if (textTypes.has(oid)) return (value) => value;
    return pg.types.getTypeParser(oid, format);
  },
};
let client;
const connect = async () => {
  const fresh = new pg.Client({ connectionString: workerData.url, types, statement_timeout: workerData.timeout });
  // a connection that breaks is replaced at the next read
  fresh.on('error', () => { if (client === fresh) client = undefined; });
  await fresh.connect();
  return fresh;
};
return async ({ sql, parameters }) => {
  client ??= connect().catch((error) => { client = undefined; throw error; });
  const connected = await client;
  return (await connected.query(sql, parameters)).rows;
};
`;

/** Room for connecting, beyond the statement timeout, before a read gives up. */
const CONNECT_MS = 5000;

/**
 * Synchronous reads on PostgreSQL: each statement runs on a connection of its own, in a worker
 * thread, while the calling thread waits for its rows. They see committed data only (not the
 * open transaction of the caller), and take no lock.
 */
export function postgresReadNow(
  url: string,
  queryTimeoutMs: number,
): { read: DirectRead; close(): Promise<void> } {
  const worker = blockingWorker<{ sql: string; parameters: readonly unknown[] }, Record<string, unknown>[]>(
    SOURCE,
    {
      pg: createRequire(import.meta.url).resolve('pg'),
      url,
      timeout: queryTimeoutMs,
    },
  );
  return {
    read: (sql, parameters) => worker.call({ sql, parameters }, queryTimeoutMs + CONNECT_MS),
    close: () => worker.close(),
  };
}
