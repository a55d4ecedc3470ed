import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractZip } from '../packages/server/src/backups/archive.ts';
import { createCollection, startServer, type TestServer } from './helpers.ts';

describe('backups on SQLite', () => {
  let server: TestServer;
  const as = () => ({ token: server.adminToken });
  const titles = async () => {
    const { body } = await server.request('GET', '/api/collections/notes/records', {
      ...as(),
      query: { sort: 'title' },
    });
    return (body.items as { title: string }[]).map((item) => item.title);
  };

  beforeAll(async () => {
    server = await startServer('sqlite');
    await createCollection(server, { name: 'notes', fields: [{ name: 'title', type: 'text' }] });
  });
  afterAll(() => server.stop());

  it('creates, lists, downloads, restores and deletes a backup of the database and the stored files', async () => {
    const storage = join(server.storage.dir, 'storage', 'notes');
    mkdirSync(storage, { recursive: true });
    writeFileSync(join(storage, 'a.txt'), 'stored before');
    expect(
      (await server.request('POST', '/api/collections/notes/records', { ...as(), body: { title: 'before' } }))
        .status,
    ).toBe(200);

    expect(
      (await server.request('POST', '/api/backups', { ...as(), body: { name: 'first.zip' } })).status,
    ).toBe(204);
    const listed = await server.request('GET', '/api/backups', as());
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([
      { key: 'first.zip', size: expect.any(Number), modified: expect.any(String) },
    ]);
    expect(listed.body[0].size).toBeGreaterThan(0);

    // the download holds the database snapshot and the stored files
    for (const download of [
      await server.request('GET', '/api/backups/first.zip', as()),
      await server.request('GET', '/api/backups/first.zip', { query: { token: server.adminToken } }),
    ]) {
      expect(download.status).toBe(200);
      expect(download.headers.get('content-type')).toBe('application/zip');
    }
    const response = await fetch(`${server.url}/api/backups/first.zip`, {
      headers: { authorization: server.adminToken },
    });
    const work = await mkdtemp(join(tmpdir(), 'sluice-backup-test-'));
    try {
      writeFileSync(join(work, 'first.zip'), Buffer.from(await response.arrayBuffer()));
      await extractZip(join(work, 'first.zip'), join(work, 'out'), () => true);
      expect(readFileSync(join(work, 'out', 'storage', 'notes', 'a.txt'), 'utf8')).toBe('stored before');
      expect(
        readFileSync(join(work, 'out', 'data.db'))
          .subarray(0, 15)
          .toString(),
      ).toBe('SQLite format 3');
    } finally {
      await rm(work, { recursive: true, force: true });
    }

    // changes after the backup, undone by the restore
    await server.request('POST', '/api/collections/notes/records', { ...as(), body: { title: 'after' } });
    writeFileSync(join(storage, 'a.txt'), 'changed after');
    writeFileSync(join(storage, 'b.txt'), 'added after');
    expect(await titles()).toEqual(['after', 'before']);
    expect((await server.request('POST', '/api/backups/first.zip/restore', as())).status).toBe(204);
    expect(await titles()).toEqual(['before']);
    expect(readFileSync(join(storage, 'a.txt'), 'utf8')).toBe('stored before');
    expect(() => readFileSync(join(storage, 'b.txt'))).toThrow();
    // the server writes on after the restore
    expect(
      (await server.request('POST', '/api/collections/notes/records', { ...as(), body: { title: 'later' } }))
        .status,
    ).toBe(200);
    expect(await titles()).toEqual(['before', 'later']);

    expect((await server.request('DELETE', '/api/backups/first.zip', as())).status).toBe(204);
    expect((await server.request('GET', '/api/backups', as())).body).toEqual([]);
    expect((await server.request('GET', '/api/backups/first.zip', as())).status).toBe(404);
    expect((await server.request('POST', '/api/backups/first.zip/restore', as())).status).toBe(404);
  });

  it('names a backup by its time when no name is given, and refuses a bad name or a guest', async () => {
    expect((await server.request('POST', '/api/backups', as())).status).toBe(204);
    const [made] = (await server.request('GET', '/api/backups', as())).body as { key: string }[];
    expect(made!.key).toMatch(/^pb_backup_\d{14}\.zip$/);
    await server.request('DELETE', `/api/backups/${made!.key}`, as());

    const bad = await server.request('POST', '/api/backups', { ...as(), body: { name: '../escape.zip' } });
    expect(bad.status).toBe(400);
    expect(bad.body.data.name.code).toBe('validation_invalid_name');
    expect((await server.request('GET', '/api/backups')).status).toBe(401);
    expect((await server.request('POST', '/api/backups', { body: { name: 'x.zip' } })).status).toBe(401);
    expect(
      (await server.request('GET', '/api/backups/x.zip', { query: { token: 'not-a-token' } })).status,
    ).toBe(401);
  });

  it('backs up on the settings’ schedule and keeps the newest cronMaxKeep', async () => {
    const invalid = await server.request('PATCH', '/api/settings', {
      ...as(),
      body: { backups: { cron: 'every day' } },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.data['backups.cron'].code).toBe('validation_invalid_cron');

    const saved = await server.request('PATCH', '/api/settings', {
      ...as(),
      body: { backups: { cron: '* * * * * *', cronMaxKeep: 2 } },
    });
    expect(saved.status).toBe(200);
    const runs = async () =>
      (
        (await server.request('GET', '/api/hooks', as())).body.schedules as {
          extension: string;
          runs: number;
        }[]
      ).find((schedule) => schedule.extension === 'system:backups')?.runs ?? 0;
    let ran = 0;
    while (ran < 3) {
      ran = await runs();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await server.request('PATCH', '/api/settings', { ...as(), body: { backups: { cron: '' } } });
    // a run that was under way when the schedule went prunes on its own once done
    const automaticBackups = async () =>
      ((await server.request('GET', '/api/backups', as())).body as { key: string }[]).filter((backup) =>
        backup.key.startsWith('@auto_'),
      );
    let automatic = await automaticBackups();
    for (const end = Date.now() + 5000; automatic.length !== 2 && Date.now() < end; ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      automatic = await automaticBackups();
    }
    expect(automatic.length).toBe(2);
    for (const backup of automatic) expect(backup.key).toMatch(/^@auto_pb_backup_\d{14}\.zip$/);
    expect((await server.request('GET', '/api/hooks', as())).body.schedules).toEqual([]);
  });
});

describe('backups on PostgreSQL', () => {
  it('says the database is backed up with its own tools', async () => {
    const server = await startServer('postgres');
    try {
      const response = await server.request('POST', '/api/backups', { token: server.adminToken });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('SLUICE_ERR_BACKUPS_UNSUPPORTED');
      expect(response.body.message).toContain('pg_dump');
    } finally {
      await server.stop();
    }
  });
});
