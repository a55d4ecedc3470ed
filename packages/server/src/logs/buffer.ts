import type { Logger } from 'pino';
import type { LogEntry } from './store.ts';

export interface LogBufferOptions {
  /** Longest a row waits in memory before it is written. */
  flushMs: number;
  /** Rows that make a batch be written without waiting for `flushMs` (on the next turn of the event loop). */
  batchSize: number;
  /** Rows held at most while earlier batches are being written; the rows past it are dropped, and counted. */
  maxPending: number;
}

export const DEFAULT_LOG_BUFFER: LogBufferOptions = { flushMs: 250, batchSize: 200, maxPending: 10_000 };

/** Writes a batch of rows, all or none. */
export type WriteLogs = (rows: readonly LogEntry[]) => void | Promise<void>;

/**
 * Log rows held in memory and written in batches, never on the request path: the request that
 * made a row has answered before its batch is written, on a later turn of the event loop. The
 * buffer is bounded: while the database does not keep up, the rows past `maxPending` are dropped
 * and the next batch written says how many.
 */
export class LogBuffer {
  #pending: LogEntry[] = [];
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;
  #writing: Promise<void> = Promise.resolve();
  #dropped = 0;
  #droppedReported = 0;

  constructor(
    private readonly write: () => WriteLogs,
    private readonly logger: Logger,
    private readonly options: LogBufferOptions = DEFAULT_LOG_BUFFER,
  ) {}

  /** Rows dropped so far because the buffer was full. */
  get dropped(): number {
    return this.#dropped;
  }

  add(entry: LogEntry): void {
    const pending = this.#pending;
    if (pending.length >= this.options.maxPending) {
      this.#dropped++;
      return;
    }
    pending.push(entry);
    if (pending.length >= this.options.batchSize) {
      this.#immediate ??= setImmediate(() => void this.flush());
    } else if (!this.#timer) {
      this.#timer = setTimeout(() => void this.flush(), this.options.flushMs);
      this.#timer.unref();
    }
  }

  /** Writes what is held, after any batch being written; resolves once it is stored (or dropped). */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    clearImmediate(this.#immediate);
    this.#immediate = undefined;
    const batch = this.#pending;
    if (batch.length === 0) return this.#writing;
    this.#pending = [];
    this.#writing = this.#writing.then(() => this.#write(batch));
    return this.#writing;
  }

  async #write(batch: LogEntry[]): Promise<void> {
    const dropped = this.#dropped - this.#droppedReported;
    this.#droppedReported += dropped;
    try {
      await this.write()(batch);
    } catch (error) {
      this.logger.warn({ err: error, rows: batch.length }, 'Request logs could not be written; dropped.');
    }
    if (dropped > 0) {
      this.logger.warn(
        { rows: dropped },
        'Request logs dropped: more requests were answered than their logs could be written.',
      );
    }
  }
}
