import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './index.ts';

describe('openDatabase', () => {
  it('opens <dir>/data.db in WAL mode, creating the directory', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sluice-open-'));
    const dir = join(root, 'nested', 'sluice_data');
    const database = openDatabase({ dir });
    try {
      expect(database.dialect).toBe('sqlite');
      expect(existsSync(join(dir, 'data.db'))).toBe(true);
      const { rows } = await sql<{ journal_mode: string }>`PRAGMA journal_mode`.execute(database.db);
      expect(rows[0].journal_mode).toBe('wal');
      const { rows: keys } = await sql<{ foreign_keys: number }>`PRAGMA foreign_keys`.execute(database.db);
      expect(keys[0].foreign_keys).toBe(1);
      await expect(sql`CREATE TABLE "nope" ("id" TEXT)`.execute(database.reader)).rejects.toThrow(/readonly/);
    } finally {
      await database.close();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('opens PostgreSQL for postgres:// and postgresql:// urls', async () => {
    for (const url of [
      'postgres://postgres@127.0.0.1:5432/postgres',
      'postgresql://postgres@127.0.0.1:5432/postgres',
    ]) {
      const database = openDatabase({ dir: '/nonexistent', url });
      try {
        expect(database.dialect).toBe('postgres');
        expect(database.reader).toBe(database.db);
        const { rows } = await sql<{ n: number }>`SELECT 1::int8 AS n`.execute(database.reader);
        expect(rows[0].n).toBe(1);
      } finally {
        await database.close();
      }
    }
  });
});
