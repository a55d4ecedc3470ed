import { type Kysely, sql } from 'kysely';
import type { Logger } from 'pino';
import type { Dialect } from '../db/types.ts';
import { LOGS, type LogEntry, logToRow } from './store.ts';

export interface LogBufferOptions {
  /** Longest a row waits in memory before it is written. */
  flushMs: number;
  /** Rows that make a batch be written at once, without waiting for `flushMs`. Each batch is one statement. */
  batchSize: number;
  /** Rows kept at most while the database does not take them; older ones are dropped. */
  maxPending: number;
}

export const DEFAULT_LOG_BUFFER: LogBufferOptions = { flushMs: 1000, batchSize: 200, maxPending: 10_000 };

/**
 * Log rows held in memory and written in batches, each batch one statement of its own: the
 * request that made a row has answered long before, and never waits on its log.
 */
export class LogBuffer {
  #pending: LogEntry[] = [];
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly database: () => Kysely<any>,
    private readonly dialect: Dialect,
    private readonly logger: Logger,
    private readonly options: LogBufferOptions = DEFAULT_LOG_BUFFER,
  ) {}

  add(entry: LogEntry): void {
    this.#pending.push(entry);
    if (this.#pending.length > this.options.maxPending) this.#pending.shift();
    if (this.#pending.length >= this.options.batchSize) void this.flush();
    else if (!this.#timer) {
      this.#timer = setTimeout(() => void this.flush(), this.options.flushMs);
      this.#timer.unref();
    }
  }

  /** Writes what is held, after any batch being written; resolves once it is stored (or dropped). */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#pending;
    this.#pending = [];
    this.#writing = this.#writing.then(() => (batch.length > 0 ? this.#write(batch) : undefined));
    return this.#writing;
  }

  async #write(batch: LogEntry[]): Promise<void> {
    try {
      // one statement and one parameter per batch, however many rows: the database unpacks them
      await insertLogs(this.database(), this.dialect, JSON.stringify(batch.map(logToRow)));
    } catch (error) {
      this.logger.warn({ err: error, rows: batch.length }, 'Request logs could not be written; dropped.');
    }
  }
}

function insertLogs(db: Kysely<any>, dialect: Dialect, rows: string) {
  if (dialect === 'sqlite')
    return sql`INSERT INTO ${sql.table(LOGS)} ("id", "created", "level", "message", "data")
      SELECT json_extract(value, '$.id'), json_extract(value, '$.created'), json_extract(value, '$.level'),
        json_extract(value, '$.message'), json_extract(value, '$.data')
      FROM json_each(${rows})`.execute(db);
  return sql`INSERT INTO ${sql.table(LOGS)} ("id", "created", "level", "message", "data")
    SELECT "id", "created", "level", "message", "data"
    FROM json_to_recordset(CAST(${rows} AS JSON))
      AS rows("id" TEXT, "created" TEXT, "level" INTEGER, "message" TEXT, "data" TEXT)`.execute(db);
}
