import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StorageUnavailableError } from './errors.ts';
import { FtpDriver } from './ftp.ts';
import { UnsafeKeyError } from './keys.ts';
import { closedPort, type RunningServer, startFtpServer } from './testing.ts';

let server: RunningServer;
let driver: FtpDriver;

beforeAll(async () => {
  server = await startFtpServer();
  driver = new FtpDriver(server.settings.ftp);
});

afterAll(async () => {
  await driver?.close();
  await server?.close();
});

describe('FtpDriver against ftp-srv', () => {
  it('stores buffers and streams byte for byte, and reads them back with their size', async () => {
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, index) => index % 251));
    await driver.put('c1/r1/a.bin', bytes, { contentType: 'application/octet-stream' });
    await driver.put('c1/r1/b.txt', Readable.from([Buffer.from('str'), Buffer.from('eam')]), {
      contentType: 'text/plain',
    });
    const a = await driver.get('c1/r1/a.bin');
    expect(a?.size).toBe(bytes.length);
    expect((await buffer(a!.body)).equals(bytes)).toBe(true);
    expect((await buffer((await driver.get('c1/r1/b.txt'))!.body)).toString()).toBe('stream');
    expect(await driver.stat('c1/r1/b.txt')).toMatchObject({ size: 6 });
    expect(readdirSync(join(server.dir, 'c1', 'r1')).sort()).toEqual(['a.bin', 'b.txt']);
  });

  it('serves more downloads at once than it keeps connections, one command per connection', async () => {
    const keys = Array.from({ length: 10 }, (_, index) => `many/r1/${index}.txt`);
    await Promise.all(keys.map((key) => driver.put(key, Buffer.from(key), { contentType: 'text/plain' })));
    const read = await Promise.all(
      keys.map(async (key) => (await buffer((await driver.get(key))!.body)).toString()),
    );
    expect(read).toEqual(keys);
  });

  it('keeps serving after a reader goes away in the middle of a download', async () => {
    await driver.put('cut/r1/big.bin', Buffer.alloc(2_000_000, 7), {
      contentType: 'application/octet-stream',
    });
    for (let attempt = 0; attempt < 6; attempt++) {
      const found = await driver.get('cut/r1/big.bin');
      await new Promise<void>((resolve) => found!.body.once('data', () => resolve()));
      found!.body.destroy();
    }
    await driver.put('cut/r1/small.txt', Buffer.from('still here'), { contentType: 'text/plain' });
    expect((await buffer((await driver.get('cut/r1/small.txt'))!.body)).toString()).toBe('still here');
    expect(await driver.stat('cut/r1/big.bin')).toMatchObject({ size: 2_000_000 });
  });

  it('answers undefined for a missing key and deletes quietly', async () => {
    expect(await driver.get('c1/r1/none.txt')).toBeUndefined();
    expect(await driver.stat('c1/none/none.txt')).toBeUndefined();
    await driver.delete('c1/r1/none.txt');
    await driver.deletePrefix('c1/none/');
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

  it('leaves no partial file when a stream fails', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('client went away'));
      },
    });
    await expect(
      driver.put('c2/r1/x.bin', failing, { contentType: 'application/octet-stream' }),
    ).rejects.toThrow(StorageUnavailableError);
    expect(readdirSync(join(server.dir, 'c2', 'r1'))).toEqual([]);
    await driver.put('c2/r1/y.txt', Buffer.from('still works'), { contentType: 'text/plain' });
  });

  it('passes its test and leaves nothing behind', async () => {
    const before = readdirSync(server.dir).sort();
    await driver.test();
    expect(readdirSync(server.dir).sort()).toEqual(before);
  });

  it('refuses unsafe keys before connecting', async () => {
    await expect(driver.get('../x')).rejects.toThrow(UnsafeKeyError);
  });

  it('reports a closed port and a wrong password as unavailable', async () => {
    const port = await closedPort();
    const refused = new FtpDriver({ ...server.settings.ftp, port });
    await expect(refused.put('c1/r1/x.txt', Buffer.from('x'), { contentType: 'text/plain' })).rejects.toThrow(
      StorageUnavailableError,
    );
    const wrong = new FtpDriver({ ...server.settings.ftp, password: 'wrong' });
    await expect(wrong.test()).rejects.toMatchObject({ driver: 'ftp', operation: 'write' });
    await Promise.all([refused.close(), wrong.close()]);
  });
});
