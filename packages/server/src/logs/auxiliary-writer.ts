import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { LogEntry } from './store.ts';

interface WriterData {
  /** Where `better-sqlite3` is, resolved here: an eval'd thread resolves from the working folder. */
  driver: string;
  file: string;
  createTable: string;
  table: string;
  chunkRows: number;
}

type Answer = { batch: number; error?: string };

/**
 * The thread's program: a connection of its own to `auxiliary.db` that writes each batch it is
 * posted in one transaction of prepared statements of `chunkRows` rows, and answers with the
 * batch's number once it is committed (or with the error). Run as source text (`eval`), so it
 * uses nothing from outside itself but `require`.
 */
function writerThread(): void {
  const { parentPort, workerData } = require('node:worker_threads') as typeof import('node:worker_threads');
  const { driver, file, createTable, table, chunkRows } = workerData as WriterData;
  const Database = require(driver) as typeof import('better-sqlite3');
  const handle = new Database(file);
  handle.pragma('journal_mode = WAL');
  handle.pragma('synchronous = NORMAL');
  handle.pragma('busy_timeout = 5000');
  handle.exec(createTable);
  const insert = (rows: number) =>
    handle.prepare(
      `INSERT INTO "${table}" ("id", "created", "level", "message", "data") VALUES ${Array(rows).fill('(?, ?, ?, ?, ?)').join(', ')}`,
    );
  const insertOne = insert(1);
  // rows a statement at a time: each run of a statement costs about as much as a row
  const insertChunk = insert(chunkRows);
  const values: unknown[] = [];
  const insertAll = handle.transaction((rows: readonly LogEntry[]) => {
    let index = 0;
    for (; index + chunkRows <= rows.length; index += chunkRows) {
      values.length = 0;
      for (let at = index; at < index + chunkRows; at++) {
        const row = rows[at];
        values.push(row.id, row.created, row.level, row.message, JSON.stringify(row.data));
      }
      insertChunk.run(values);
    }
    for (; index < rows.length; index++) {
      const row = rows[index];
      insertOne.run(row.id, row.created, row.level, row.message, JSON.stringify(row.data));
    }
  });
  parentPort?.on('message', (message: { batch: number; rows: string } | 'close') => {
    if (message === 'close') {
      handle.close();
      parentPort.close();
      return;
    }
    let answer: Answer = { batch: message.batch };
    try {
      insertAll(JSON.parse(message.rows));
    } catch (error) {
      answer = { batch: message.batch, error: error instanceof Error ? error.message : String(error) };
    }
    parentPort.postMessage(answer);
  });
}

/**
 * Writes the request logs into `auxiliary.db` from a thread of its own, so that the thread that
 * answers requests only turns each row into five values and posts them a batch at a time: the
 * SQLite work (statements, pages, the WAL and its checkpoints) runs beside it. The thread is
 * started with the first batch; a thread that fails is started again with the next one.
 */
export class AuxiliaryWriter {
  #worker: Worker | undefined;
  #next = 1;
  readonly #waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();

  constructor(private readonly options: Omit<WriterData, 'driver'>) {}

  /** Resolves once the rows are committed; rejects if they were not (none of them is then). */
  write(entries: readonly LogEntry[]): Promise<void> {
    // one string: it crosses to the thread as a copy of its bytes, where rows as objects or
    // arrays would be serialized value by value on this thread
    const rows = JSON.stringify(entries);
    const batch = this.#next++;
    return new Promise((resolve, reject) => {
      const worker = this.#thread();
      // while a batch is being written, the thread keeps the process up, so a stop waits for it
      if (this.#waiting.size === 0) worker.ref();
      this.#waiting.set(batch, { resolve, reject });
      worker.postMessage({ batch, rows });
    });
  }

  /** Ends the thread once the batches posted before are written. */
  async close(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.ref();
    worker.postMessage('close');
    await exited;
  }

  #thread(): Worker {
    if (this.#worker) return this.#worker;
    const workerData: WriterData = {
      ...this.options,
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
    };
    const worker = new Worker(`(${writerThread.toString()})()`, {
      eval: true,
      workerData,
      // the thread holds a batch at a time: a small heap keeps the process's memory down
      resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 32 },
    });
    worker.on('message', ({ batch, error }: Answer) => {
      const waiting = this.#waiting.get(batch);
      this.#waiting.delete(batch);
      if (this.#waiting.size === 0) worker.unref();
      if (error) waiting?.reject(new Error(error));
      else waiting?.resolve();
    });
    const failed = (error: Error) => {
      if (this.#worker === worker) this.#worker = undefined;
      for (const waiting of this.#waiting.values()) waiting.reject(error);
      this.#waiting.clear();
    };
    worker.on('error', failed);
    worker.on('exit', (code) => failed(new Error(`The request logs' writer thread ended (${code}).`)));
    this.#worker = worker;
    return worker;
  }
}
