import type { Kysely } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  dialect: Dialect;
  /** The writer. */
  db: Kysely<any>;
  /** Serves reads outside transactions; never blocked by an open write transaction. */
  reader: Kysely<any>;
  /** Runs `fn` in a transaction; called again inside `fn`, it reuses the open transaction. */
  transaction<T>(fn: (trx: Kysely<any>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
