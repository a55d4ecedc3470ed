import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StorageUnavailableError } from './errors.ts';
import { safeKey, safePrefix } from './keys.ts';
import type { ByteRange, ObjectStream, StorageDriver, StoredObject } from './types.ts';

/** Files on local disk under `root` (the data folder's `storage/` by default). */
export class LocalDriver implements StorageDriver {
  readonly name = 'local' as const;

  constructor(private readonly root: string) {}

  #path(key: string): string {
    return join(this.root, safeKey(key));
  }

  async put(key: string, body: Buffer | Readable, _options: { contentType: string }): Promise<void> {
    const path = this.#path(key);
    // written beside its final name, then renamed: a reader never sees half a file
    const partial = `${path}.${randomBytes(6).toString('hex')}.partial`;
    try {
      await mkdir(dirname(path), { recursive: true });
      if (Buffer.isBuffer(body)) await writeFile(partial, body);
      else await pipeline(body, createWriteStream(partial));
      await rename(partial, path);
    } catch (error) {
      await unlink(partial).catch(() => {});
      throw this.#failure('write', error);
    }
  }

  async get(key: string, range?: ByteRange): Promise<ObjectStream | undefined> {
    const found = await this.stat(key);
    if (!found) return undefined;
    if (!range) return { ...found, body: createReadStream(this.#path(key)) };
    const within = { start: range.start, end: Math.min(range.end, found.size - 1) };
    return { ...found, range: within, body: createReadStream(this.#path(key), within) };
  }

  async stat(key: string): Promise<StoredObject | undefined> {
    const path = this.#path(key);
    try {
      const info = await stat(path);
      return info.isFile() ? { size: info.size, contentType: undefined, modified: info.mtime } : undefined;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw this.#failure('read', error);
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.#path(key);
    try {
      await unlink(path);
    } catch (error) {
      if (!isMissing(error)) throw this.#failure('delete', error);
    }
  }

  async deletePrefix(prefix: string): Promise<void> {
    const path = join(this.root, safePrefix(prefix));
    try {
      await rm(path, { recursive: true, force: true });
    } catch (error) {
      throw this.#failure('delete', error);
    }
  }

  async test(): Promise<void> {
    const probe = join(this.root, `.probe-${randomBytes(6).toString('hex')}`);
    try {
      await mkdir(this.root, { recursive: true });
      await writeFile(probe, 'ok');
      await unlink(probe);
    } catch (error) {
      throw this.#failure('write', error);
    }
  }

  async close(): Promise<void> {}

  #failure(operation: string, error: unknown): StorageUnavailableError {
    return new StorageUnavailableError('local', operation, error);
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
