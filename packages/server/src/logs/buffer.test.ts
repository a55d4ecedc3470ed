import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { LogBuffer, type LogBufferOptions } from './buffer.ts';
import { type LogDatabase, openAuxiliaryLogs } from './log-database.ts';
import { LOGS, type LogEntry } from './store.ts';

const row = (id: string): LogEntry => ({
  id,
  created: '2030-01-01 00:00:00.000Z',
  level: 0,
  message: `GET /${id}`,
  data: {
    type: 'request',
    method: 'GET',
    url: `/${id}`,
    status: 200,
    execTime: 1,
    auth: '',
    referer: '',
    userAgent: '',
  },
});

/** A logger that keeps what it is given, to see the warnings. */
function recordingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

describe('LogBuffer', () => {
  let dir: string | undefined;
  let database: LogDatabase | undefined;
  afterEach(async () => {
    await database?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function open(): LogDatabase {
    dir = mkdtempSync(join(tmpdir(), 'sluice-logs-'));
    database = openAuxiliaryLogs(dir);
    return database;
  }
  const stored = async (logs: LogDatabase) =>
    (await logs.db.selectFrom(LOGS).select('id').orderBy('id').execute()).map((r) => r.id);

  /** A buffer writing to a fresh `auxiliary.db`, and the warnings it logs. */
  function buffered(options?: LogBufferOptions) {
    const logs = open();
    const { logger, lines } = recordingLogger();
    return { logs, lines, buffer: new LogBuffer(() => logs.insert, logger, options) };
  }

  it('holds rows until flushed, then writes them all with their data', async () => {
    const { logs, buffer } = buffered({
      flushMs: 60_000,
      batchSize: 100,
      maxPending: 1000,
    });
    buffer.add(row('a'));
    buffer.add(row('b'));
    expect(await stored(logs)).toEqual([]);
    await buffer.flush();
    expect(await stored(logs)).toEqual(['a', 'b']);
    const written = await logs.db
      .selectFrom(LOGS)
      .selectAll()
      .where('id', '=', 'b')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(written.data)).toEqual(row('b').data);
    expect(written.message).toBe('GET /b');
  });

  it('writes a batch of any size, 50 rows a statement and the rest one at a time', async () => {
    const { logs, buffer } = buffered({
      flushMs: 60_000,
      batchSize: 1000,
      maxPending: 1000,
    });
    const ids = Array.from({ length: 123 }, (_, index) => `row${String(index).padStart(3, '0')}`);
    for (const id of ids) buffer.add(row(id));
    await buffer.flush();
    expect(await stored(logs)).toEqual(ids);
  });

  it('keeps rows past its first block of memory, and text outside ASCII, whole', async () => {
    const { logs, buffer } = buffered({
      flushMs: 60_000,
      batchSize: 1000,
      maxPending: 1000,
    });
    const long = (id: string): LogEntry => ({
      ...row(id),
      message: `GET /${id}/ünïcödé/😀`,
      data: { ...row(id).data, userAgent: 'ä'.repeat(500) },
    });
    const ids = Array.from({ length: 300 }, (_, index) => `big${String(index).padStart(3, '0')}`);
    for (const id of ids) buffer.add(long(id));
    await buffer.flush();
    expect(await stored(logs)).toEqual(ids);
    const last = await logs.db
      .selectFrom(LOGS)
      .selectAll()
      .where('id', '=', 'big299')
      .executeTakeFirstOrThrow();
    expect(last.message).toBe('GET /big299/ünïcödé/😀');
    expect(JSON.parse(last.data).userAgent).toBe('ä'.repeat(500));
  });

  it('writes a full batch on a later turn of the event loop, not while the row is added', async () => {
    const { logs, buffer } = buffered({
      flushMs: 60_000,
      batchSize: 2,
      maxPending: 10,
    });
    buffer.add(row('d'));
    buffer.add(row('e'));
    // the batch is full, but the request that added the row is not the one to write it
    expect(await stored(logs)).toEqual([]);
    let ids = await stored(logs);
    while (ids.length < 2) {
      await new Promise((resolve) => setImmediate(resolve));
      ids = await stored(logs);
    }
    expect(ids).toEqual(['d', 'e']);
  });

  it('drops the rows past maxPending, counts them, and says so when it next writes', async () => {
    const { logs, lines, buffer } = buffered({
      flushMs: 60_000,
      batchSize: 100,
      maxPending: 2,
    });
    buffer.add(row('a'));
    buffer.add(row('b'));
    buffer.add(row('c'));
    buffer.add(row('d'));
    expect(buffer.dropped).toBe(2);
    await buffer.flush();
    expect(await stored(logs)).toEqual(['a', 'b']);
    expect(lines).toEqual([expect.objectContaining({ level: 40, rows: 2 })]);
    // room again once written; the drop is reported once
    buffer.add(row('e'));
    await buffer.flush();
    expect(await stored(logs)).toEqual(['a', 'b', 'e']);
    expect(lines).toHaveLength(1);
    expect(buffer.dropped).toBe(2);
  });

  it('drops a batch the database refuses, with a warning, and goes on', async () => {
    const { logs, lines, buffer } = buffered();
    buffer.add(row('x'));
    buffer.add(row('x'));
    await buffer.flush();
    expect(await stored(logs)).toEqual([]);
    expect(lines).toEqual([expect.objectContaining({ level: 40, rows: 2 })]);
    buffer.add(row('y'));
    await buffer.flush();
    expect(await stored(logs)).toEqual(['y']);
  });
});
