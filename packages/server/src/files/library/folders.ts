import { ConflictError, ForbiddenError, NotFoundError } from '@sluice/hooks';
import type { Kysely } from 'kysely';
import type { Core } from '../../app/core.ts';
import { inTransaction } from '../../app/transaction.ts';
import { newId } from '../../collections/ids.ts';
import type { HookContext } from '../../context.ts';
import { nowDate } from '../../records/dates.ts';
import { recordMatches } from '../../records/rules.ts';
import { runWrite } from '../../writes/pipeline.ts';
import type { WriteAction } from '../../writes/recorders.ts';
import { accessCondition, assertRowAccess, assertWritableInput, listAllowed, viewAllowed } from './access.ts';
import { folderInput } from './input.ts';
import type { ListPage } from './list.ts';
import type { FilesLibraryService } from './service.ts';
import { FILES, FOLDERS, type Folder, findFolder, folderFromRow, libraryCollections } from './store.ts';

const TAGS = [FOLDERS] as const;
const folders = libraryCollections.folders;

/** Folders of the files library (`/api/folders`): `folders.create`, `.update` and `.delete`. */
export class FoldersService {
  constructor(
    private readonly app: Core,
    private readonly files: FilesLibraryService,
  ) {}

  /** A page of the folders the caller may list (`ctx`: the system unless given). */
  list(query: Record<string, unknown>, ctx = this.app.context()): Promise<ListPage<Folder>> {
    return listAllowed(this.app, folders, query, folderFromRow, ctx);
  }

  /** One of them, when the caller may view it (`ctx`: the system unless given). */
  view(id: string, ctx = this.app.context()): Promise<Folder> {
    return viewAllowed(this.app, folders, id, findFolder, ctx);
  }

  async #find(id: string, executor: Kysely<any>): Promise<Folder> {
    const folder = await findFolder(executor, id);
    if (!folder) throw new NotFoundError(`Missing folder "${id}".`);
    return folder;
  }

  create(body: Record<string, unknown>, ctx: HookContext): Promise<Folder> {
    const access = accessCondition(this.app, folders, 'createRule', ctx);
    assertWritableInput(folders, 'createRule', body, ctx);
    return inTransaction(this.app, ctx, (tx) =>
      this.#write(tx, 'create', body, undefined, async (input) => {
        const now = nowDate();
        const folder: Folder = { id: newId(), ...input, created: now, updated: now };
        await tx.database.insertInto(FOLDERS).values(folder).execute();
        if (access && !(await recordMatches(tx.database, folders, folder.id, access)))
          throw new ForbiddenError('Your permissions do not allow this folder.');
        return folder;
      }),
    );
  }

  update(id: string, body: Record<string, unknown>, ctx: HookContext): Promise<Folder> {
    return inTransaction(this.app, ctx, async (tx) => {
      const current = await this.#find(id, tx.database);
      await assertRowAccess(this.app, tx.database, folders, 'updateRule', id, tx);
      assertWritableInput(folders, 'updateRule', body, tx);
      return this.#write(tx, 'update', body, current, async (input) => {
        const folder: Folder = { ...current, ...input, updated: nowDate() };
        await tx.database.updateTable(FOLDERS).set(folder).where('id', '=', id).execute();
        return folder;
      });
    });
  }

  /**
   * Deletes a folder. One holding files or folders is refused (409) unless `force`: then its
   * folders go with it, and their files are deleted (`files.delete`) first.
   */
  async delete(id: string, force: boolean, ctx: HookContext): Promise<void> {
    await inTransaction(this.app, ctx, async (tx) => {
      const folder = await this.#find(id, tx.database);
      await assertRowAccess(this.app, tx.database, folders, 'deleteRule', id, tx);
      const tree = await this.#subtree(tx.database, id);
      const files = await tx.database.selectFrom(FILES).select('id').where('folder', 'in', tree).execute();
      if ((tree.length > 1 || files.length > 0) && !force)
        throw new ConflictError(
          `The folder "${folder.name}" is not empty: delete what it holds first, or pass ?force=true.`,
        );
      if (files.length > 0)
        await this.files.delete(
          files.map((row) => String(row.id)),
          tx,
        );
      await runWrite(this.app, tx, {
        context: 'folders',
        action: 'delete',
        table: FOLDERS,
        tags: [],
        modelTags: TAGS,
        meta: { collection: FOLDERS },
        input: tree,
        // the model filter gets a row, as for every table: here, the keys being removed
        prepare: (keys) => ({ keys }),
        store: async ({ keys }) => {
          await tx.database.deleteFrom(FOLDERS).where('id', 'in', keys).execute();
          return keys;
        },
        outcome: (keys) => ({ record: folder, payload: keys, keys }),
      });
    });
  }

  /** The folder and every folder inside it, at any depth. */
  async #subtree(executor: Kysely<any>, id: string): Promise<string[]> {
    const all = [id];
    for (let index = 0; index < all.length; index++) {
      const children = await executor
        .selectFrom(FOLDERS)
        .select('id')
        .where('parent', '=', all[index])
        .execute();
      for (const child of children) if (!all.includes(String(child.id))) all.push(String(child.id));
    }
    return all;
  }

  #write(
    tx: HookContext,
    action: Exclude<WriteAction, 'delete'>,
    body: Record<string, unknown>,
    current: Folder | undefined,
    store: (input: Awaited<ReturnType<typeof folderInput>>) => Promise<Folder>,
  ): Promise<Folder> {
    return runWrite(this.app, tx, {
      context: 'folders',
      action,
      table: FOLDERS,
      tags: [],
      modelTags: TAGS,
      meta: current ? { collection: FOLDERS, keys: [current.id] } : { collection: FOLDERS },
      input: body,
      prepare: (input) => folderInput(tx.database, input, current),
      store,
      outcome: (folder, input) => ({ record: folder, payload: input, keys: [folder.id], previous: current }),
    });
  }
}
