import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../app/create.ts';
import { AUXILIARY_FILE } from './log-database.ts';

describe('recordRequests', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes the logs of the last requests before a hanging app.terminate spends the shutdown timeout', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-logs-stop-'));
    const app = createApp({
      dir,
      http: '127.0.0.1:0',
      extensions: false,
      hooksDir: false,
      logLevel: 'silent',
      env: {},
      shutdownTimeoutMs: 200,
    });
    app.hooks.init('app.terminate', () => new Promise(() => {}));
    await app.start();
    const answer = await fetch(`${app.url}/api/health?from=last-request`);
    expect(answer.status).toBe(200);
    await app.stop();

    const file = new BetterSqlite3(join(dir, AUXILIARY_FILE), { readonly: true });
    try {
      const rows = file.prepare(`SELECT "message" FROM "_logs"`).all() as { message: string }[];
      expect(rows.map((row) => row.message)).toContain('GET /api/health?from=last-request');
    } finally {
      file.close();
    }
  });
});
