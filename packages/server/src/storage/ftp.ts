import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type * as BasicFtp from 'basic-ftp';
import type { Client } from 'basic-ftp';
import { lazyModule } from '../lazy-module.ts';
import type { Settings } from '../settings/defaults.ts';
import { StorageUnavailableError } from './errors.ts';
import { safeKey, safePrefix } from './keys.ts';
import type { ObjectStream, StorageDriver, StoredObject } from './types.ts';

/** How many times a failed upload's partial file is looked for and removed. */
const PARTIAL_REMOVAL_ATTEMPTS = 4;

export type FtpOptions = Settings['ftp'];

const sdk = lazyModule<typeof BasicFtp>('basic-ftp');

/** Connections kept open at most: FTP runs one command at a time on each. */
const POOL_SIZE = 4;
/** FTP's "file unavailable" reply: what a missing file or folder gets. */
const UNAVAILABLE = 550;

/** Files under `root` on an FTP server (FTPS with `secure`), through a small pool of connections. */
export class FtpDriver implements StorageDriver {
  readonly name = 'ftp' as const;
  readonly #idle: Client[] = [];
  readonly #waiting: ((client: Client | undefined) => void)[] = [];
  #open = 0;

  constructor(private readonly options: FtpOptions) {}

  #path(key: string): string {
    return posix.join(this.options.root || '/', safeKey(key));
  }

  async put(key: string, body: Buffer | Readable, _options: { contentType: string }): Promise<void> {
    const path = this.#path(key);
    // uploaded beside its final name, then renamed: a reader never sees half a file
    const partial = `${path}.${randomBytes(6).toString('hex')}.partial`;
    try {
      await this.#use('write', async (ftp) => {
        await ftp.ensureDir(posix.dirname(path));
        await ftp.uploadFrom(
          Buffer.isBuffer(body) ? Readable.from([body], { objectMode: false }) : body,
          partial,
        );
        await ftp.rename(partial, path);
      });
    } catch (error) {
      await this.#removePartial(partial);
      throw error;
    }
  }

  /**
   * Removes what a failed upload left, through another connection (the failed one may be closed).
   * Looked for again after a pause: the server may still be creating the file the aborted
   * transfer named when the first removal runs.
   */
  async #removePartial(partial: string): Promise<void> {
    for (let attempt = 1; attempt <= PARTIAL_REMOVAL_ATTEMPTS; attempt++) {
      const gone = await this.#use('delete', async (ftp) => {
        await missingIsFine(ftp.remove(partial));
        return (await statOf(ftp, partial)) === undefined;
      }).catch(() => false);
      if (gone && attempt > 1) return;
      await sleep(50 * attempt);
    }
  }

  async get(key: string): Promise<ObjectStream | undefined> {
    const path = this.#path(key);
    const client = await this.#acquire('read');
    let found: StoredObject | undefined;
    try {
      found = await statOf(client, path);
    } catch (error) {
      this.#release(client);
      throw new StorageUnavailableError('ftp', 'read', error);
    }
    if (!found) {
      this.#release(client);
      return undefined;
    }
    // the connection stays with this download until it ends
    const body = new PassThrough();
    client.downloadTo(body, path).then(
      () => this.#release(client),
      (error: unknown) => {
        // a download cut short (the reader went away) leaves the connection mid-transfer
        client.close();
        this.#release(client);
        body.destroy(new StorageUnavailableError('ftp', 'read', error));
      },
    );
    return { ...found, body };
  }

  stat(key: string): Promise<StoredObject | undefined> {
    const path = this.#path(key);
    return this.#use('read', (ftp) => statOf(ftp, path));
  }

  async delete(key: string): Promise<void> {
    const path = this.#path(key);
    await this.#use('delete', (ftp) => missingIsFine(ftp.remove(path)));
  }

  async deletePrefix(prefix: string): Promise<void> {
    const path = posix.join(this.options.root || '/', safePrefix(prefix));
    await this.#use('delete', async (ftp) => {
      await missingIsFine(ftp.removeDir(path));
      await ftp.cd('/');
    });
  }

  async test(): Promise<void> {
    const key = `sluice_storage_test_${randomBytes(5).toString('hex')}/test.txt`;
    await this.put(key, Buffer.from('ok'), { contentType: 'text/plain' });
    await this.deletePrefix(`${posix.dirname(key)}/`);
  }

  async close(): Promise<void> {
    for (const client of this.#idle.splice(0)) client.close();
    for (const waiter of this.#waiting.splice(0)) waiter(undefined);
    this.#open = 0;
  }

  async #use<T>(operation: string, run: (ftp: Client) => Promise<T>): Promise<T> {
    const client = await this.#acquire(operation);
    try {
      return await run(client);
    } catch (error) {
      throw new StorageUnavailableError('ftp', operation, error);
    } finally {
      this.#release(client);
    }
  }

  async #acquire(operation: string): Promise<Client> {
    while (this.#idle.length > 0) {
      const client = this.#idle.pop() as Client;
      if (!client.closed) return client;
      this.#open--;
    }
    if (this.#open >= POOL_SIZE) {
      const client = await new Promise<Client | undefined>((resolve) => this.#waiting.push(resolve));
      if (client) return client;
      return this.#acquire(operation);
    }
    this.#open++;
    const client = new (sdk().Client)(30_000);
    try {
      const { host, port, user, password, secure } = this.options;
      if (!host) throw new Error('No host is set.');
      await client.access({ host, port, user, password, secure });
      return client;
    } catch (error) {
      client.close();
      this.#open--;
      this.#waiting.shift()?.(undefined);
      throw new StorageUnavailableError('ftp', operation, error);
    }
  }

  #release(client: Client): void {
    if (client.closed) {
      this.#open--;
      this.#waiting.shift()?.(undefined);
      return;
    }
    const waiter = this.#waiting.shift();
    if (waiter) waiter(client);
    else this.#idle.push(client);
  }
}

async function statOf(ftp: Client, path: string): Promise<StoredObject | undefined> {
  const size = await missingIsFine(ftp.size(path));
  if (size === undefined) return undefined;
  const modified = await ftp.lastMod(path).catch(() => undefined);
  return { size, contentType: undefined, modified };
}

/** A "file unavailable" reply as undefined; every other failure goes on. */
async function missingIsFine<T>(request: Promise<T>): Promise<T | undefined> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof sdk().FTPError && error.code === UNAVAILABLE) return undefined;
    throw error;
  }
}
