import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { AuxiliaryWriter } from './auxiliary-writer.ts';
import { LOGS, type LogEntry } from './store.ts';

const CREATE = `CREATE TABLE IF NOT EXISTS "${LOGS}" ("id" TEXT PRIMARY KEY NOT NULL, "created" TEXT NOT NULL,
  "level" INTEGER NOT NULL, "message" TEXT NOT NULL, "data" TEXT NOT NULL)`;

const row = (id: string, status = 200): LogEntry => ({
  id,
  created: '2030-01-01 00:00:00.000Z',
  level: status >= 400 ? 4 : 0,
  message: `GET /${id}`,
  data: {
    type: 'request',
    method: 'GET',
    url: `/${id}`,
    status,
    execTime: 1.5,
    auth: '',
    referer: '',
    userAgent: 'test',
  },
});

describe('AuxiliaryWriter', () => {
  let dir: string | undefined;
  let writer: AuxiliaryWriter | undefined;
  afterEach(async () => {
    await writer?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function open(chunkRows = 3) {
    dir = mkdtempSync(join(tmpdir(), 'sluice-writer-'));
    const file = join(dir, 'auxiliary.db');
    writer = new AuxiliaryWriter({ file, createTable: CREATE, table: LOGS, chunkRows });
    const stored = () => {
      const handle = new BetterSqlite3(file, { readonly: true });
      try {
        return handle.prepare(`SELECT * FROM "${LOGS}" ORDER BY "id"`).all() as Record<string, unknown>[];
      } finally {
        handle.close();
      }
    };
    return { writer, stored };
  }

  it('writes each batch from its thread, in whole statements and then row by row', async () => {
    const { writer, stored } = open(3);
    const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    await writer.write(ids.map((id) => row(id)));
    await writer.write([row('h', 404)]);
    const rows = stored();
    expect(rows.map((r) => r.id)).toEqual([...ids, 'h']);
    expect(rows[7]).toMatchObject({ level: 4, message: 'GET /h' });
    expect(JSON.parse(String(rows[7].data))).toEqual(row('h', 404).data);
  });

  it('writes a batch all or none, and keeps writing the next ones', async () => {
    const { writer, stored } = open(2);
    await writer.write([row('a')]);
    // the third row repeats an id already stored: the whole batch is refused
    await expect(writer.write([row('b'), row('c'), row('a')])).rejects.toThrow(/UNIQUE/);
    await writer.write([row('d')]);
    expect(stored().map((r) => r.id)).toEqual(['a', 'd']);
  });

  it('starts its thread again after a close, for the batches written after it', async () => {
    const { writer, stored } = open();
    await writer.write([row('a')]);
    await writer.close();
    await writer.write([row('b')]);
    expect(stored().map((r) => r.id)).toEqual(['a', 'b']);
  });
});
