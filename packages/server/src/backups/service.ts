import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ConflictError, InvalidPayloadError, NotFoundError, SluiceError } from '@sluice/hooks';
import BetterSqlite3 from 'better-sqlite3';
import type { App } from '../app/types.ts';
import { S3Driver } from '../storage/s3.ts';
import { extractZip, filesUnder, writeZip } from './archive.ts';

/** A backup as `GET /api/backups` lists it. */
export interface BackupInfo {
  key: string;
  size: number;
  modified: string;
}

/** PocketBase's rule for a backup's name; the automatic ones start with `@auto_`. */
const NAME = /^[a-z0-9_-]+\.zip$/;
const KEY = /^@?[a-z0-9_-]+\.zip$/;
const AUTO_PREFIX = '@auto_';
const DATABASE_ENTRY = 'data.db';
/** The data folder's stored files, when kept there. */
const STORAGE = 'storage';

export class BackupsUnsupportedError extends SluiceError {
  constructor() {
    super(
      400,
      'SLUICE_ERR_BACKUPS_UNSUPPORTED',
      'Backups copy a SQLite data folder; a PostgreSQL database is backed up with its own tools (pg_dump).',
    );
  }
}

/**
 * Backups of the data folder as PocketBase makes them: a zip of a consistent snapshot of the
 * SQLite database (SQLite's online backup, taken while the server keeps writing) and of the stored
 * files under the data folder's `storage/`, kept in `<data folder>/backups/`, or at the top of the
 * bucket of the settings' `backups.s3` block when it is enabled (each zip is made in the work
 * folder, then uploaded; a restore downloads it there first).
 */
export class Backups {
  readonly dir: string;
  #busy: string | undefined;

  constructor(private readonly app: App) {
    this.dir = join(app.options.dir, 'backups');
  }

  async list(): Promise<BackupInfo[]> {
    const infos = await this.#inBucket(
      async (bucket) =>
        (await bucket.listTop())
          .filter(({ key }) => KEY.test(key))
          .map(({ key, size, modified }) => ({ key, size, modified: listedTime(modified ?? new Date(0)) })),
      () => this.#listLocal(),
    );
    return infos.sort((a, b) => b.modified.localeCompare(a.modified) || a.key.localeCompare(b.key));
  }

  async #listLocal(): Promise<BackupInfo[]> {
    const names = (await readdir(this.dir).catch(() => [] as string[])).filter((name) => KEY.test(name));
    const infos = await Promise.all(
      names.map(async (key) => {
        const info = await stat(join(this.dir, key));
        return { key, size: info.size, modified: listedTime(info.mtime) };
      }),
    );
    return infos;
  }

  /** A backup's content and size, to be downloaded; a 404 when there is none. */
  async open(key: string): Promise<{ size: number; body: Readable }> {
    return this.#inBucket(
      async (bucket) => {
        const object = KEY.test(key) ? await bucket.get(key) : undefined;
        if (!object) throw missing(key);
        return { size: object.size, body: object.body };
      },
      async () => {
        const path = this.#localFile(key);
        return { size: (await stat(path)).size, body: createReadStream(path) };
      },
    );
  }

  /** The file of a backup kept in the data folder; a 404 when there is none. */
  #localFile(key: string): string {
    const path = join(this.dir, key);
    if (!KEY.test(key) || !existsSync(path)) throw missing(key);
    return path;
  }

  /** A local copy of a backup: its own file, or one downloaded from the bucket into `work`. */
  async #localCopy(key: string, work: string): Promise<string> {
    return this.#inBucket(
      async (bucket) => {
        const object = KEY.test(key) ? await bucket.get(key) : undefined;
        if (!object) throw missing(key);
        const path = join(work, key);
        await pipeline(object.body, createWriteStream(path));
        return path;
      },
      async () => this.#localFile(key),
    );
  }

  /** Runs `remote` with the settings' backups bucket when one is enabled, else `local`. */
  async #inBucket<T>(remote: (bucket: S3Driver) => Promise<T>, local: () => Promise<T>): Promise<T> {
    const { s3 } = (await this.app.services.settings.current()).backups;
    if (!s3.enabled) return local();
    const bucket = new S3Driver(s3);
    try {
      return await remote(bucket);
    } finally {
      await bucket.close();
    }
  }

  /** Makes a backup named `name` (or `pb_backup_<UTC time>.zip`); returns its key. */
  async create(name?: string): Promise<string> {
    if (name !== undefined && !NAME.test(name))
      throw new InvalidPayloadError('Invalid backup name.', {
        name: { code: 'validation_invalid_name', message: 'Must match [a-z0-9_-]+.zip.' },
      });
    return this.#create(name ?? `pb_backup_${stamp()}.zip`);
  }

  /** The scheduled backup: `@auto_pb_backup_<UTC time>.zip`, then only the newest `keep` automatic ones stay. */
  async createScheduled(keep: number): Promise<string> {
    const key = await this.#create(`${AUTO_PREFIX}pb_backup_${stamp()}.zip`);
    const automatic = (await this.list()).filter((backup) => backup.key.startsWith(AUTO_PREFIX));
    for (const old of automatic.slice(Math.max(keep, 1))) await this.delete(old.key);
    return key;
  }

  async delete(key: string): Promise<void> {
    if (this.#busy === key) throw new ConflictError(`The backup "${key}" is in use.`);
    await this.#inBucket(
      async (bucket) => {
        if (!KEY.test(key) || !(await bucket.stat(key))) throw missing(key);
        await bucket.delete(key);
      },
      () => rm(this.#localFile(key)),
    );
  }

  /**
   * Replaces the database's content with the backup's (SQLite's online backup again, into the
   * live file: other connections see the new content at their next statement) and the stored
   * files with the backup's, then reloads what the server caches: schema, settings, webhooks.
   */
  async restore(key: string): Promise<void> {
    this.#requireSqlite();
    await this.#exclusive(key, async (work) => {
      const path = await this.#localCopy(key, work);
      await extractZip(path, work, (name) => name === DATABASE_ENTRY || name.startsWith(`${STORAGE}/`));
      const snapshot = join(work, DATABASE_ENTRY);
      if (!existsSync(snapshot))
        throw new InvalidPayloadError(`The backup "${key}" holds no ${DATABASE_ENTRY}.`);
      const source = new BetterSqlite3(snapshot, { readonly: true, fileMustExist: true });
      try {
        await source.backup(join(this.app.options.dir, DATABASE_ENTRY));
      } finally {
        source.close();
      }
      const storage = join(this.app.options.dir, STORAGE);
      await rm(storage, { recursive: true, force: true });
      if (existsSync(join(work, STORAGE))) await rename(join(work, STORAGE), storage);
      const { app } = this;
      await app.schema.reload(app.database.db);
      app.services.settings.forget();
      await app.services.webhooks.subscribers.reload(app.database.db);
      app.logger.info({ backup: key }, `Restored the backup ${key}.`);
    });
  }

  async #create(key: string): Promise<string> {
    this.#requireSqlite();
    return this.#exclusive(key, async (work) => {
      const snapshot = join(work, DATABASE_ENTRY);
      const source = new BetterSqlite3(join(this.app.options.dir, DATABASE_ENTRY), {
        readonly: true,
        fileMustExist: true,
      });
      try {
        await source.backup(snapshot);
      } finally {
        source.close();
      }
      const files = new Map([[DATABASE_ENTRY, snapshot]]);
      const storage = join(this.app.options.dir, STORAGE);
      for (const name of await filesUnder(storage))
        files.set(`${STORAGE}/${name}`, join(storage, ...name.split('/')));
      const partial = join(work, key);
      await writeZip(partial, files);
      await this.#inBucket(
        async (bucket) => {
          const { size } = await stat(partial);
          await bucket.put(key, createReadStream(partial), { contentType: 'application/zip', size });
        },
        () => rename(partial, join(this.dir, key)),
      );
      this.app.logger.info({ backup: key }, `Created the backup ${key}.`);
      return key;
    });
  }

  #requireSqlite(): void {
    if (this.app.database.dialect !== 'sqlite') throw new BackupsUnsupportedError();
  }

  /** One backup or restore at a time, in a work folder beside the backups, removed afterwards. */
  async #exclusive<T>(key: string, run: (work: string) => Promise<T>): Promise<T> {
    if (this.#busy !== undefined)
      throw new ConflictError('Another backup or restore is running; try again once it is done.');
    this.#busy = key;
    const work = join(this.dir, `.work-${randomBytes(6).toString('hex')}`);
    try {
      await mkdir(work, { recursive: true });
      return await run(work);
    } finally {
      this.#busy = undefined;
      await rm(work, { recursive: true, force: true });
    }
  }
}

function missing(key: string): SluiceError {
  return new NotFoundError(`Missing backup "${key}".`);
}

/** `2026-11-29 20:15:00.000Z`, as the backups list shows times. */
function listedTime(date: Date): string {
  return date.toISOString().replace('T', ' ');
}

/** `20261129201500`: UTC, to the second, as PocketBase names its backups. */
function stamp(): string {
  return new Date().toISOString().replace(/\D/g, '').slice(0, 14);
}
