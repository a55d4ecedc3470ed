import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StorageUnavailableError } from './errors.ts';
import { UnsafeKeyError } from './keys.ts';
import { LocalDriver } from './local.ts';

let root: string;
let driver: LocalDriver;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'sluice-storage-'));
  driver = new LocalDriver(join(root, 'storage'));
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('LocalDriver', () => {
  it('stores buffers and streams, and reads them back with their size', async () => {
    await driver.put('c1/r1/a.txt', Buffer.from('hello'), { contentType: 'text/plain' });
    await driver.put('c1/r1/b.txt', Readable.from(['str', 'eam']), { contentType: 'text/plain' });
    const a = await driver.get('c1/r1/a.txt');
    expect(a?.size).toBe(5);
    expect(await text(a!.body)).toBe('hello');
    expect(await text((await driver.get('c1/r1/b.txt'))!.body)).toBe('stream');
  });

  it('reads a byte range from where it starts, the size still the whole', async () => {
    await driver.put('c1/r1/a.txt', Buffer.from('0123456789'), { contentType: 'text/plain' });
    const part = await driver.get('c1/r1/a.txt', { start: 3, end: 5 });
    expect(part).toMatchObject({ size: 10, range: { start: 3, end: 5 } });
    expect(await text(part!.body)).toBe('345');
    const tail = await driver.get('c1/r1/a.txt', { start: 8, end: 20 });
    expect(tail?.range).toEqual({ start: 8, end: 9 });
    expect(await text(tail!.body)).toBe('89');
  });

  it('answers undefined for a missing key and deletes quietly', async () => {
    expect(await driver.get('c1/r1/none.txt')).toBeUndefined();
    expect(await driver.stat('c1/none/none.txt')).toBeUndefined();
    await driver.delete('c1/r1/none.txt');
  });

  it('deletes one key or a whole prefix', async () => {
    await driver.put('c1/r1/a.txt', Buffer.from('a'), { contentType: 'text/plain' });
    await driver.put('c1/r1/b.txt', Buffer.from('b'), { contentType: 'text/plain' });
    await driver.put('c1/r2/c.txt', Buffer.from('c'), { contentType: 'text/plain' });
    await driver.delete('c1/r1/a.txt');
    expect(await driver.stat('c1/r1/a.txt')).toBeUndefined();
    await driver.deletePrefix('c1/r1/');
    expect(await driver.stat('c1/r1/b.txt')).toBeUndefined();
    expect(await driver.stat('c1/r2/c.txt')).toBeDefined();
  });

  it('leaves no partial file when a stream fails', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('client went away'));
      },
    });
    await expect(
      driver.put('c1/r1/x.bin', failing, { contentType: 'application/octet-stream' }),
    ).rejects.toThrow(StorageUnavailableError);
    expect(readdirSync(join(root, 'storage', 'c1', 'r1'))).toEqual([]);
  });

  it('refuses keys that would leave its root', async () => {
    writeFileSync(join(root, 'secret.txt'), 'secret');
    await expect(driver.get('../secret.txt')).rejects.toThrow(UnsafeKeyError);
    await expect(driver.deletePrefix('../')).rejects.toThrow(UnsafeKeyError);
  });

  it('reports a root it cannot write to as unavailable', async () => {
    await driver.test();
    writeFileSync(join(root, 'not-a-folder'), '');
    const blocked = new LocalDriver(join(root, 'not-a-folder', 'storage'));
    await expect(blocked.test()).rejects.toThrow(StorageUnavailableError);
    await expect(blocked.put('c1/r1/a.txt', Buffer.from('a'), { contentType: 'text/plain' })).rejects.toThrow(
      StorageUnavailableError,
    );
  });
});
