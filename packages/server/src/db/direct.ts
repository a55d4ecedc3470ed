import type { Kysely } from 'kysely';

/** Runs a read-only statement and returns its rows, synchronously. */
export type DirectRead = (sql: string, parameters: readonly unknown[]) => Record<string, unknown>[];

const directReaders = new WeakMap<Kysely<any>, DirectRead>();

/**
 * Lets reads on `executor` skip Kysely's connection queue. Only for SQLite's read-only
 * connection: better-sqlite3 runs each statement to completion synchronously, and nothing holds
 * that connection across an await (no transactions, no cursors), so the queue's promises buy
 * nothing there. The rows are those Kysely's SQLite driver would return for the same statement.
 */
export function allowDirectReads(executor: Kysely<any>, read: DirectRead): void {
  directReaders.set(executor, read);
}

/** The synchronous reader of `executor` when it has one (SQLite's reader), else undefined. */
export function directReads(executor: Kysely<any>): DirectRead | undefined {
  return directReaders.get(executor);
}
