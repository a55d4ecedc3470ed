import type { Logger } from 'pino';
import { LOG_COLUMNS, logRowText, logValues } from './row-text.ts';
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

/** Writes a batch of rows, all or none: their values one after the other, `LOG_COLUMNS` a row. */
export type WriteLogs = (values: readonly string[]) => void | Promise<void>;

/** Bytes the buffer starts with: some 150 rows. */
const FIRST_BYTES = 64 * 1024;

/**
 * Log rows held in memory and written in batches, never on the request path: the request that
 * made a row has answered before its batch is written, on a later turn of the event loop. The
 * buffer is bounded: while the database does not keep up, the rows past `maxPending` are dropped
 * and the next batch written says how many.
 *
 * The rows wait as UTF-8 text in one reused block of memory outside the JavaScript heap: held
 * as objects until their batch, every request's row outlived a young-generation collection or
 * two and was moved to the old one, which grew by tens of megabytes under load.
 */
export class LogBuffer {
  #bytes = Buffer.allocUnsafeSlow(FIRST_BYTES);
  #length = 0;
  #rows = 0;
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
    if (this.#rows >= this.options.maxPending) {
      this.#dropped++;
      return;
    }
    const text = logRowText(entry);
    // three bytes a UTF-16 unit at most
    const room = this.#length + text.length * 3;
    if (room > this.#bytes.length) this.#grow(room);
    this.#length += this.#bytes.write(text, this.#length);
    this.#rows++;
    if (this.#rows >= this.options.batchSize) {
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
    if (this.#rows === 0) return this.#writing;
    const batch = logValues(this.#bytes.toString('utf8', 0, this.#length));
    this.#length = 0;
    this.#rows = 0;
    this.#writing = this.#writing.then(() => this.#write(batch));
    return this.#writing;
  }

  #grow(needed: number): void {
    const bytes = Buffer.allocUnsafeSlow(Math.max(needed, this.#bytes.length * 2));
    this.#bytes.copy(bytes, 0, 0, this.#length);
    this.#bytes = bytes;
  }

  async #write(batch: string[]): Promise<void> {
    const dropped = this.#dropped - this.#droppedReported;
    this.#droppedReported += dropped;
    try {
      await this.write()(batch);
    } catch (error) {
      this.logger.warn(
        { err: error, rows: batch.length / LOG_COLUMNS },
        'Request logs could not be written; dropped.',
      );
    }
    if (dropped > 0) {
      this.logger.warn(
        { rows: dropped },
        'Request logs dropped: more requests were answered than their logs could be written.',
      );
    }
  }
}
