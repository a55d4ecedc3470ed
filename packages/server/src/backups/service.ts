import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConflictError, InvalidPayloadError, NotFoundError, SluiceError } from '@sluice/hooks';
import BetterSqlite3 from 'better-sqlite3';
import type { App } from '../app/types.ts';
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
 * files under the data folder's `storage/`, kept in `<data folder>/backups/`. Plain files: the
 * storage drivers have no listing, which backups need.
 */
export class Backups {
  readonly dir: string;
  #busy: string | undefined;

  constructor(private readonly app: App) {
    this.dir = join(app.options.dir, 'backups');
  }

  async list(): Promise<BackupInfo[]> {
    const names = (await readdir(this.dir).catch(() => [] as string[])).filter((name) => KEY.test(name));
    const infos = await Promise.all(
      names.map(async (key) => {
        const info = await stat(join(this.dir, key));
        return { key, size: info.size, modified: info.mtime.toISOString().replace('T', ' ') };
      }),
    );
    return infos.sort((a, b) => b.modified.localeCompare(a.modified) || a.key.localeCompare(b.key));
  }

  /** The file of a backup; a 404 when there is none. */
  async file(key: string): Promise<string> {
    const path = join(this.dir, key);
    if (!KEY.test(key) || !existsSync(path)) throw new NotFoundError(`Missing backup "${key}".`);
    return path;
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
    for (const old of automatic.slice(Math.max(keep, 1))) await rm(join(this.dir, old.key), { force: true });
    return key;
  }

  async delete(key: string): Promise<void> {
    const path = await this.file(key);
    if (this.#busy === key) throw new ConflictError(`The backup "${key}" is in use.`);
    await rm(path);
  }

  /**
   * Replaces the database's content with the backup's (SQLite's online backup again, into the
   * live file: other connections see the new content at their next statement) and the stored
   * files with the backup's, then reloads what the server caches: schema, settings, webhooks.
   */
  async restore(key: string): Promise<void> {
    const path = await this.file(key);
    this.#requireSqlite();
    await this.#exclusive(key, async (work) => {
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
      await rename(partial, join(this.dir, key));
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

/** `20261129201500`: UTC, to the second, as PocketBase names its backups. */
function stamp(): string {
  return new Date().toISOString().replace(/\D/g, '').slice(0, 14);
}
