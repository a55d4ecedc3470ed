import { afterEach, describe, expect, it } from 'vitest';
import { bootstrapTestApp } from '../app/testing.ts';
import type { App } from '../app/types.ts';
import { LogBuffer } from './buffer.ts';
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

describe('LogBuffer', () => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(() => cleanup?.());

  async function open(): Promise<App> {
    const test = await bootstrapTestApp();
    cleanup = test.cleanup;
    return test.app;
  }
  const stored = async (app: App) =>
    (await app.database.db.selectFrom(LOGS).select('id').orderBy('id').execute()).map((r) => r.id);

  it('holds rows until flushed, then writes them all', async () => {
    const app = await open();
    const buffer = new LogBuffer(() => app.database.db, app.database.dialect, app.logger, {
      flushMs: 60_000,
      batchSize: 100,
      maxPending: 1000,
    });
    buffer.add(row('a'));
    buffer.add(row('b'));
    expect(await stored(app)).toEqual([]);
    await buffer.flush();
    expect(await stored(app)).toEqual(['a', 'b']);
  });

  it('writes a full batch without waiting, and keeps only the newest rows past maxPending', async () => {
    const app = await open();
    const buffer = new LogBuffer(() => app.database.db, app.database.dialect, app.logger, {
      flushMs: 60_000,
      batchSize: 3,
      maxPending: 2,
    });
    // over maxPending before the batch is full: the oldest goes
    buffer.add(row('a'));
    buffer.add(row('b'));
    buffer.add(row('c'));
    expect(await stored(app)).toEqual([]);
    await buffer.flush();
    expect(await stored(app)).toEqual(['b', 'c']);

    const full = new LogBuffer(() => app.database.db, app.database.dialect, app.logger, {
      flushMs: 60_000,
      batchSize: 2,
      maxPending: 10,
    });
    full.add(row('d'));
    full.add(row('e'));
    // the second row filled the batch: it is written with no flush asked for, long before flushMs
    let ids = await stored(app);
    while (ids.length < 4) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      ids = await stored(app);
    }
    expect(ids).toEqual(['b', 'c', 'd', 'e']);
  });

  it('drops a batch the database refuses, with a warning, and goes on', async () => {
    const app = await open();
    const buffer = new LogBuffer(() => app.database.db, app.database.dialect, app.logger);
    buffer.add(row('x'));
    buffer.add(row('x'));
    await buffer.flush();
    expect(await stored(app)).toEqual([]);
    buffer.add(row('y'));
    await buffer.flush();
    expect(await stored(app)).toEqual(['y']);
  });
});
