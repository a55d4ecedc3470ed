import { ForbiddenError, NotFoundError, UnauthorizedError } from '@sluice/hooks';
import type { Expression, Kysely, SqlBool } from 'kysely';
import type { Core } from '../../app/core.ts';
import type { Collection } from '../../collections/types.ts';
import type { HookContext } from '../../context.ts';
import {
  assertPermittedInput,
  permittedFields,
  type RuleName,
  recordMatches,
  ruleCondition,
} from '../../records/rules.ts';
import { type ListPage, listLibrary } from './list.ts';

/**
 * Who may do what in the files library: `_files` and `_folders` are collections whose API rules
 * are all superusers-only, so only superusers and the permissions granted on them (docs/activity.md)
 * open them — exactly as for a locked collection's records. A guest nothing opens is a 401.
 */
export function accessCondition(
  app: Core,
  collection: Collection,
  name: RuleName,
  ctx: HookContext,
): Expression<SqlBool> | undefined {
  try {
    return ruleCondition(collection, name, ctx, app.database.dialect);
  } catch (error) {
    if (error instanceof ForbiddenError && ctx.accountability.user === null)
      throw new UnauthorizedError('The request requires superuser authorization or a permission.');
    throw error;
  }
}

/** Refuses (404, as for records) a row the caller's grants for `name` do not let through. */
export async function assertRowAccess(
  app: Core,
  executor: Kysely<any>,
  collection: Collection,
  name: RuleName,
  id: string,
  ctx: HookContext,
): Promise<void> {
  const condition = accessCondition(app, collection, name, ctx);
  if (condition && !(await recordMatches(executor, collection, id, condition))) throw missing(collection, id);
}

/** Refuses a write naming a field the caller's grants do not let it write. */
export function assertWritableInput(
  collection: Collection,
  name: RuleName,
  input: Record<string, unknown>,
  ctx: HookContext,
): void {
  assertPermittedInput(input, permittedFields(collection, name, ctx));
}

/** A row without the fields the caller's grants do not let it read. */
export function readableRow<T extends object>(
  collection: Collection,
  name: RuleName,
  row: T,
  ctx: HookContext,
): T {
  const fields = permittedFields(collection, name, ctx);
  if (!fields) return row;
  return Object.fromEntries(Object.entries(row).filter(([key]) => fields.has(key))) as T;
}

/** A page of a library table, of the rows the caller may list (and the fields it may read). */
export async function listAllowed<T extends object>(
  app: Core,
  collection: Collection,
  query: Record<string, unknown>,
  fromRow: (row: Record<string, unknown>) => T,
  ctx: HookContext,
): Promise<ListPage<T>> {
  const access = accessCondition(app, collection, 'listRule', ctx);
  const { reader, dialect } = app.database;
  const page = await listLibrary(reader, dialect, collection, query, fromRow, access);
  return { ...page, items: page.items.map((row) => readableRow(collection, 'listRule', row, ctx)) };
}

/** One row of a library table, when the caller may view it (404 otherwise). */
export async function viewAllowed<T extends object>(
  app: Core,
  collection: Collection,
  id: string,
  find: (executor: Kysely<any>, id: string) => Promise<T | undefined>,
  ctx: HookContext,
): Promise<T> {
  const row = await find(ctx.database, id);
  if (!row) throw missing(collection, id);
  await assertRowAccess(app, ctx.database, collection, 'viewRule', id, ctx);
  return readableRow(collection, 'viewRule', row, ctx);
}

function missing(collection: Collection, id: string): Error {
  return new NotFoundError(`Missing ${collection.name === '_files' ? 'file' : 'folder'} "${id}".`);
}
