import type { Kysely } from 'kysely';
import type { DirectRead } from './direct.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  dialect: Dialect;
  /** The writer. */
  db: Kysely<any>;
  /** Serves reads outside transactions; never blocked by an open write transaction. */
  reader: Kysely<any>;
  /**
   * Runs a read-only statement and returns its rows synchronously, blocking this thread until
   * then (for APIs that must answer at once, such as PocketBase's hook files). It sees committed
   * data only — never the caller's open transaction: SQLite's read-only connection, or a
   * PostgreSQL connection of its own in a worker thread.
   */
  readNow: DirectRead;
  /**
   * Runs `fn` in a transaction; called again inside `fn`, it reuses the open transaction. The
   * transaction takes a connection (on SQLite, the single writer) at its first statement.
   */
  transaction<T>(fn: (trx: Kysely<any>) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * Limits the reuse above to the transactions opened while `predicate` holds (by default,
   * all). Reuse follows the async context, which costs every promise in the process some work
   * (before Node 24); code that hands its transaction on needs none of it, so an app whose hooks
   * cannot call back in (it has none that run inside transactions) skips that cost.
   */
  scopeTransactionsWhen(predicate: () => boolean): void;
  /**
   * Runs `fn`, whose statements stop when `caller` goes: on PostgreSQL a running statement is
   * cancelled, and a statement still waiting for a connection is dropped. SQLite's reads run to
   * their end (each is bounded by the query timeout).
   */
  cancellable<T>(caller: Caller | undefined, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Who a transaction or a read runs for, so that its work can be dropped once they have gone. */
export interface Caller {
  /** Whether they have gone (their client disconnected before the answer). */
  gone(): boolean;
  /** Aborted when they go; made on first use, by what can stop a running statement. */
  signal(): AbortSignal;
}

export interface TransactionOptions {
  /**
   * When the caller has gone, the write is dropped if it has not taken a connection yet, and on
   * PostgreSQL its running statement is cancelled.
   */
  caller?: Caller;
}

/** Bounds on how long the database may make a caller wait, and how long one query may run. */
export interface DatabaseLimits {
  /**
   * Longest a statement may run: any statement on PostgreSQL (default 5 000 ms), statements of
   * filters that join on SQLite (default 1 000 ms, since a running statement there holds up
   * every request).
   */
  queryTimeoutMs?: number;
  /** Longest a caller waits for a connection (on SQLite, the writer) before a 503; default 5 000 ms. */
  waitMs?: number;
  /** Most callers waiting for a connection at once; one more gets a 503 at once. Default 1 000. */
  maxWaiting?: number;
}

export const DEFAULT_WAIT_MS = 5000;
export const DEFAULT_MAX_WAITING = 1000;
