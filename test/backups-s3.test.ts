import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import PocketBase from 'pocketbase';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Driver } from '../packages/server/src/storage/s3.ts';
import { type RunningServer, startS3Server } from '../packages/server/src/storage/testing.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startServer, type TestServer } from './helpers.ts';

describe('backups kept in the S3 bucket of the settings’ backups.s3 block (SQLite)', () => {
  let s3: RunningServer;
  let bucket: S3Driver;
  let server: TestServer;
  let admin: PocketBase;

  beforeAll(async () => {
    s3 = await startS3Server();
    bucket = new S3Driver(s3.settings.s3);
    server = await startServer('sqlite');
    admin = new PocketBase(server.url);
    admin.autoCancellation(false);
    await admin.collection('_superusers').authWithPassword(ADMIN_EMAIL, ADMIN_PASSWORD);
    await admin.collections.create({
      name: 'notes',
      type: 'base',
      fields: [{ name: 'title', type: 'text' }],
    });
    await admin.settings.update({ backups: { s3: s3.settings.s3 } });
  });

  afterAll(async () => {
    await server?.stop();
    await bucket?.close();
    await s3?.close();
  });

  it('keeps the secret out of the settings it answers', async () => {
    const settings = await admin.settings.getAll();
    expect(settings.backups.s3).toMatchObject({ enabled: true, bucket: s3.settings.s3.bucket });
    expect(settings.backups.s3.secret).toBeUndefined();
  });

  it('creates, lists, downloads, restores and deletes backups in the bucket, none in the data folder', async () => {
    await admin.collection('notes').create({ title: 'before' });
    await admin.backups.create('in_bucket.zip');
    expect(await bucket.stat('in_bucket.zip')).toMatchObject({ size: expect.any(Number) });
    const listed = await admin.backups.getFullList();
    expect(listed.map((backup) => backup.key)).toEqual(['in_bucket.zip']);
    expect(listed[0]?.size).toBe((await bucket.stat('in_bucket.zip'))?.size);

    const download = await fetch(`${server.url}/api/backups/in_bucket.zip`, {
      headers: { authorization: admin.authStore.token },
    });
    expect(download.status).toBe(200);
    expect((await download.arrayBuffer()).byteLength).toBe(listed[0]?.size);

    await admin.collection('notes').create({ title: 'after' });
    await admin.backups.restore('in_bucket.zip');
    const titles = (await admin.collection('notes').getFullList()).map((note) => note.title);
    expect(titles).toEqual(['before']);
    expect(readdirSync(join(server.storage.dir, 'backups')).filter((name) => name.endsWith('.zip'))).toEqual(
      [],
    );

    await admin.backups.delete('in_bucket.zip');
    expect(await bucket.stat('in_bucket.zip')).toBeUndefined();
    expect(await admin.backups.getFullList()).toEqual([]);
  });
});
