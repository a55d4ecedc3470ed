import { readdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StorageUnavailableError } from './errors.ts';
import { UnsafeKeyError } from './keys.ts';
import { S3Driver } from './s3.ts';
import { closedPort, type RunningServer, startS3Server } from './testing.ts';

let server: RunningServer;
let driver: S3Driver;

beforeAll(async () => {
  server = await startS3Server();
  driver = new S3Driver(server.settings.s3);
});

afterAll(async () => {
  await driver?.close();
  await server?.close();
});

describe('S3Driver against s3rver', () => {
  it('stores buffers and streams byte for byte, and reads them back with their size and type', async () => {
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, index) => index % 251));
    await driver.put('c1/r1/a.bin', bytes, { contentType: 'application/octet-stream' });
    await driver.put('c1/r1/b.txt', Readable.from([Buffer.from('str'), Buffer.from('eam')]), {
      contentType: 'text/plain',
      size: 6,
    });
    await driver.put('c1/r1/c.txt', Readable.from([Buffer.from('no size')]), { contentType: 'text/plain' });
    const a = await driver.get('c1/r1/a.bin');
    expect(a).toMatchObject({ size: bytes.length, contentType: 'application/octet-stream' });
    expect((await buffer(a!.body)).equals(bytes)).toBe(true);
    expect((await buffer((await driver.get('c1/r1/b.txt'))!.body)).toString()).toBe('stream');
    expect((await buffer((await driver.get('c1/r1/c.txt'))!.body)).toString()).toBe('no size');
    expect(await driver.stat('c1/r1/b.txt')).toMatchObject({ size: 6, contentType: 'text/plain' });
  });

  it('answers undefined for a missing key and deletes quietly', async () => {
    expect(await driver.get('c1/r1/none.txt')).toBeUndefined();
    expect(await driver.stat('c1/r1/none.txt')).toBeUndefined();
    await driver.delete('c1/r1/none.txt');
  });

  it('deletes one key or a whole prefix', async () => {
    for (const key of ['p1/r1/a.txt', 'p1/r1/b.txt', 'p1/r2/c.txt'])
      await driver.put(key, Buffer.from(key), { contentType: 'text/plain' });
    await driver.delete('p1/r1/a.txt');
    expect(await driver.stat('p1/r1/a.txt')).toBeUndefined();
    await driver.deletePrefix('p1/r1/');
    expect(await driver.stat('p1/r1/b.txt')).toBeUndefined();
    expect(await driver.stat('p1/r2/c.txt')).toBeDefined();
  });

  it('passes its test and leaves nothing behind', async () => {
    const before = readdirSync(server.dir, { recursive: true }).length;
    await driver.test();
    expect(readdirSync(server.dir, { recursive: true }).length).toBe(before);
  });

  it('refuses unsafe keys before sending anything', async () => {
    await expect(driver.get('../x')).rejects.toThrow(UnsafeKeyError);
    await expect(driver.deletePrefix('a/../')).rejects.toThrow(UnsafeKeyError);
  });

  it('reports a closed port, a missing bucket and wrong credentials as unavailable', async () => {
    const port = await closedPort();
    const refused = new S3Driver({ ...server.settings.s3, endpoint: `http://127.0.0.1:${port}` });
    await expect(refused.put('c1/r1/x.txt', Buffer.from('x'), { contentType: 'text/plain' })).rejects.toThrow(
      StorageUnavailableError,
    );
    const noBucket = new S3Driver({ ...server.settings.s3, bucket: '' });
    await expect(noBucket.test()).rejects.toMatchObject({ driver: 's3', reason: 'No bucket is set.' });
    const wrong = new S3Driver({ ...server.settings.s3, accessKey: 'UNKNOWN' });
    await expect(wrong.test()).rejects.toThrow(StorageUnavailableError);
    await Promise.all([refused.close(), noBucket.close(), wrong.close()]);
  });
});
