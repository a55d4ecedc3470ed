import { ForbiddenError, NotFoundError } from '@sluice/hooks';
import type { Kysely } from 'kysely';
import type { Core } from '../../app/core.ts';
import { inTransaction } from '../../app/transaction.ts';
import { newId } from '../../collections/ids.ts';
import type { HookContext } from '../../context.ts';
import { nowDate } from '../../records/dates.ts';
import { emitAction } from '../../records/operations/events.ts';
import { recordMatches } from '../../records/rules.ts';
import type { StorageService } from '../../storage/service.ts';
import { runWrite } from '../../writes/pipeline.ts';
import { thumbsPrefix } from '../thumbs.ts';
import { accessCondition, assertRowAccess, assertWritableInput, listAllowed, viewAllowed } from './access.ts';
import { type FileMetadata, fileMetadata } from './input.ts';
import type { ListPage } from './list.ts';
import {
  FILES,
  fileFromRow,
  fileKey,
  filePrefix,
  findFile,
  type LibraryFile,
  libraryCollections,
} from './store.ts';
import type { UploadedContent } from './upload.ts';

const TAGS = [FILES] as const;
const files = libraryCollections.files;

/**
 * The files library (`/api/files`, docs/files.md): every write goes through the write pipeline
 * as `files.create`, `files.update` or `files.delete`, and every upload emits `files.upload`.
 * Content is stored before its row is written and removed again when the write fails; content
 * a write replaces or deletes is removed once the write has committed.
 */
export class FilesLibraryService {
  constructor(
    private readonly app: Core,
    private readonly storage: StorageService,
  ) {}

  /** A page of the files the caller may list (`ctx`: the system unless given). */
  list(query: Record<string, unknown>, ctx = this.app.context()): Promise<ListPage<LibraryFile>> {
    return listAllowed(this.app, files, query, fileFromRow, ctx);
  }

  /** One of them, when the caller may view it (`ctx`: the system unless given). */
  view(id: string, ctx = this.app.context()): Promise<LibraryFile> {
    return viewAllowed(this.app, files, id, findFile, ctx);
  }

  async #find(id: string, executor: Kysely<any>): Promise<LibraryFile> {
    const file = await findFile(executor, id);
    if (!file) throw new NotFoundError(`Missing file "${id}".`);
    return file;
  }

  /** Stores an upload and its row; `metadata` is what the client set (title, folder, name). */
  async create(
    metadata: Record<string, unknown>,
    content: UploadedContent,
    ctx: HookContext,
  ): Promise<LibraryFile> {
    const access = accessCondition(this.app, files, 'createRule', ctx);
    assertWritableInput(files, 'createRule', metadata, ctx);
    return inTransaction(this.app, ctx, (tx) =>
      runWrite(this.app, tx, {
        context: 'files',
        action: 'create',
        table: FILES,
        tags: TAGS,
        modelTags: TAGS,
        meta: { collection: FILES },
        input: { filenameDownload: content.filename, ...metadata },
        prepare: async (input) => {
          const checked = await fileMetadata(tx.database, input);
          const now = nowDate();
          const file: LibraryFile = {
            id: newId(),
            storage: '',
            filenameDisk: '',
            filenameDownload: checked.filenameDownload ?? content.filename,
            title: checked.title ?? titleOf(content.filename),
            type: '',
            filesize: 0,
            width: 0,
            height: 0,
            folder: checked.folder ?? '',
            uploadedBy: tx.accountability.user ?? '',
            created: now,
            updated: now,
          };
          return file;
        },
        store: async (row) => {
          const file = await this.#storeContent(tx, row, content);
          await tx.database.insertInto(FILES).values(file).execute();
          if (access && !(await recordMatches(tx.database, files, file.id, access)))
            throw new ForbiddenError('Your permissions do not allow this file.');
          return file;
        },
        outcome: (file, input) => ({ record: file, payload: input, keys: [file.id] }),
      }),
    );
  }

  /**
   * Changes a file's metadata (and moves it to another folder); with `content`, replaces what is
   * stored, the former content going once the change is committed.
   */
  async update(
    id: string,
    metadata: Record<string, unknown>,
    content: UploadedContent | undefined,
    ctx: HookContext,
  ): Promise<LibraryFile> {
    return inTransaction(this.app, ctx, async (tx) => {
      const current = await this.#find(id, tx.database);
      await assertRowAccess(this.app, tx.database, files, 'updateRule', id, tx);
      assertWritableInput(files, 'updateRule', metadata, tx);
      return runWrite(this.app, tx, {
        context: 'files',
        action: 'update',
        table: FILES,
        tags: TAGS,
        modelTags: TAGS,
        meta: { collection: FILES, keys: [id] },
        input: metadata,
        prepare: async (input): Promise<LibraryFile> => {
          const checked: FileMetadata = await fileMetadata(tx.database, input);
          return { ...current, ...checked, updated: nowDate() };
        },
        store: async (row) => {
          const file = content ? await this.#storeContent(tx, row, content) : row;
          await tx.database.updateTable(FILES).set(file).where('id', '=', id).execute();
          if (content)
            this.#afterCommit(tx, () => this.#remove(fileKey(current), thumbsPrefix(fileKey(current))));
          return file;
        },
        outcome: (file, input) => ({ record: file, payload: input, keys: [id], previous: current }),
      });
    });
  }

  /** Deletes files (their rows now, their content once the delete has committed). */
  async delete(ids: string[], ctx: HookContext): Promise<void> {
    await inTransaction(this.app, ctx, async (tx) => {
      const found = await Promise.all(ids.map((id) => this.#find(id, tx.database)));
      for (const id of ids) await assertRowAccess(this.app, tx.database, files, 'deleteRule', id, tx);
      await runWrite(this.app, tx, {
        context: 'files',
        action: 'delete',
        table: FILES,
        tags: TAGS,
        modelTags: TAGS,
        meta: { collection: FILES },
        input: ids,
        // the model filter gets a row, as for every table: here, the keys being removed
        prepare: (keys) => ({ keys }),
        store: async ({ keys }) => {
          if (keys.length > 0) await tx.database.deleteFrom(FILES).where('id', 'in', keys).execute();
          this.#afterCommit(tx, () => this.#remove(...keys.map(filePrefix)));
          return keys;
        },
        outcome: (keys) => ({ record: found.length === 1 ? found[0] : found, payload: keys, keys }),
      });
    });
  }

  /** Stores an upload under a new name for `row`, and says so with `files.upload` (held until commit). */
  async #storeContent(tx: HookContext, row: LibraryFile, content: UploadedContent): Promise<LibraryFile> {
    const driver = await this.storage.driver();
    const file: LibraryFile = {
      ...row,
      storage: driver.name,
      filenameDisk: `${newId()}${content.extension}`,
      type: content.type,
      filesize: content.size,
      width: content.width,
      height: content.height,
    };
    const key = fileKey(file);
    // a put that fails leaves nothing behind (each driver sees to it): only a done one is undone
    await this.storage.put(key, content.open(), { contentType: content.type, size: content.size }, tx);
    // removed again if this write, or an outer transaction it joined, rolls back
    tx.scope?.onRollback(() => this.#remove(key));
    emitAction(
      this.app,
      'files.upload',
      { event: 'files.upload', payload: { ...file }, key: file.id, collection: FILES, storage: driver.name },
      tx,
      TAGS,
    );
    return file;
  }

  #afterCommit(tx: HookContext, fn: () => Promise<void>): void {
    const run = () => void fn();
    if (tx.scope) tx.scope.onCommit(run);
    else run();
  }

  /** Removes keys (a prefix when one ends with `/`); a failure is logged (and emitted), not thrown. */
  async #remove(...keys: string[]): Promise<void> {
    for (const key of keys) {
      try {
        if (key.endsWith('/')) await this.storage.deletePrefix(key);
        else await this.storage.delete(key);
      } catch (error) {
        this.app.logger.warn({ err: error, key }, 'A file of the library could not be removed from storage.');
      }
    }
  }
}

/** A title from a file name: without its extension, `_` and `-` as spaces. */
function titleOf(filename: string): string {
  const dot = filename.lastIndexOf('.');
  return (dot > 0 ? filename.slice(0, dot) : filename).replace(/[_-]+/g, ' ').trim();
}
