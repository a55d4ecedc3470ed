import { SluiceError } from '@sluice/hooks';
import { type Kysely, sql } from 'kysely';
import type { Dialect } from './types.ts';

/** The SQL function a filter calls in its inner loops on SQLite (see installDeadline). */
export const DEADLINE_FUNCTION = 'sluice_deadline';

/** PostgreSQL's code for a statement cancelled by `statement_timeout`. */
const QUERY_CANCELED = '57014';

export function queryTimeoutError(): SluiceError {
  return new SluiceError(
    503,
    'SLUICE_ERR_QUERY_TIMEOUT',
    'The query ran past its time limit and was stopped; narrow the filter or try again later.',
  );
}

export function isQueryTimeout(error: unknown): boolean {
  return (error as { code?: unknown })?.code === QUERY_CANCELED;
}

interface FunctionHost {
  function(name: string, options: { deterministic: boolean }, fn: () => number): unknown;
}

/**
 * SQLite has no statement timeout and better-sqlite3 runs a statement to its end on the event
 * loop, so a filter joining large tables could stall every request. Filters therefore call
 * DEADLINE_FUNCTION where rows multiply (joins, array items); it fails the statement once it
 * has run past `timeoutMs`. Returns what to call as each statement starts.
 */
export function installDeadline(handle: FunctionHost, timeoutMs: number): () => void {
  let deadline = Number.POSITIVE_INFINITY;
  let calls = 0;
  handle.function(DEADLINE_FUNCTION, { deterministic: false }, () => {
    if ((++calls & 255) === 0 && performance.now() > deadline) throw queryTimeoutError();
    return 1;
  });
  return () => {
    deadline = performance.now() + timeoutMs;
  };
}

/**
 * Lifts PostgreSQL's statement timeout for the rest of the transaction `trx`: schema changes and
 * migrations may rightly take long on large tables (SQLite's deadline only guards filters).
 */
export async function withoutQueryTimeout(trx: Kysely<any>, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') await sql`SET LOCAL statement_timeout = 0`.execute(trx);
}
