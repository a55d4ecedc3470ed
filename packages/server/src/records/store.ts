import { InvalidPayloadError } from '@sluice/hooks';
import { CompiledQuery, type Kysely, PostgresAdapter, sql } from 'kysely';
import { isMultiple } from '../collections/fields.ts';
import type { Collection } from '../collections/types.ts';
import { executeCompiled } from '../db/compiled.ts';
import { directReads } from '../db/direct.ts';
import { uniqueViolationColumns } from '../db/errors.ts';

export type RecordRow = Record<string, unknown>;

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

function rethrowNotUnique(error: unknown): never {
  const columns = uniqueViolationColumns(error);
  if (!columns) throw error;
  const details = Object.fromEntries(
    columns.map((column) => [column, { code: 'validation_not_unique', message: 'Value must be unique.' }]),
  );
  throw new InvalidPayloadError('Value must be unique.', details);
}

/**
 * An auth record's email is unique whatever its case: sign-in looks emails up case-insensitively,
 * so `Ann@x.io` next to `ann@x.io` would leave one of them unable to sign in.
 */
export async function assertEmailFree(
  executor: Kysely<any>,
  collection: Collection,
  values: RecordRow,
  id: string,
): Promise<void> {
  const email = values.email;
  if (collection.type !== 'auth' || typeof email !== 'string' || email === '') return;
  const taken = await executor
    .selectFrom(collection.name)
    .select('id')
    .where(sql<string>`lower(${sql.ref('email')})`, '=', email.toLowerCase())
    .where('id', '!=', id)
    .executeTakeFirst();
  if (taken) {
    throw new InvalidPayloadError('Value must be unique.', {
      email: { code: 'validation_not_unique', message: 'Value must be unique.' },
    });
  }
}

/** The ids a relation column holds, as `values` encodes them for storage. */
function relationIds(stored: unknown, multiple: boolean): string[] {
  if (typeof stored !== 'string' || stored === '') return [];
  if (!multiple) return [stored];
  try {
    const ids = JSON.parse(stored) as unknown;
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string' && id !== '') : [];
  } catch {
    return [];
  }
}

/** Every relation in `values` must point at records that exist (PocketBase's missing_rel_records). */
export async function assertRelationsExist(
  executor: Kysely<any>,
  collection: Collection,
  values: RecordRow,
  getCollection: (idOrName: string) => Collection | undefined,
  creating: boolean,
): Promise<void> {
  const problems: Record<string, { code: string; message: string }> = {};
  for (const field of collection.fields) {
    if (field.type !== 'relation' || !(field.name in values)) continue;
    const ids = [...new Set(relationIds(values[field.name], isMultiple(field)))];
    const target = getCollection(field.collectionId ?? '');
    if (ids.length === 0 || !target) continue;
    const found = await executor.selectFrom(target.name).select('id').where('id', 'in', ids).execute();
    if (found.length !== ids.length) {
      problems[field.name] = {
        code: 'validation_missing_rel_records',
        message: 'Failed to find all relation records with the provided ids.',
      };
    }
  }
  if (Object.keys(problems).length > 0) {
    throw new InvalidPayloadError(
      creating ? 'Failed to create record.' : 'Failed to update record.',
      problems,
    );
  }
}

const insertSql = new WeakMap<Collection, Map<string, string>>();
const INSERT_SHAPES = 16;

function isPlainValue(value: unknown): boolean {
  const type = typeof value;
  return value === null || type === 'string' || type === 'number' || type === 'bigint' || type === 'boolean';
}

/** Inserts a record and returns the row as stored (defaults filled), in one statement. */
export async function insertRecord(
  executor: Kysely<any>,
  collection: Collection,
  values: RecordRow,
): Promise<RecordRow> {
  const columns = Object.keys(values);
  const parameters = columns.map((column) => values[column]);
  if (!parameters.every(isPlainValue)) {
    const row = await executor
      .insertInto(collection.name)
      .values(values)
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch(rethrowNotUnique);
    return row as RecordRow;
  }
  // Plain values are all bound as parameters in column order, so the SQL Kysely compiles for one
  // set of columns serves every insert of that shape.
  let shapes = insertSql.get(collection);
  if (!shapes) {
    shapes = new Map();
    insertSql.set(collection, shapes);
  }
  const dialect = executor.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
  const key = `${dialect}\0${columns.join('\0')}`;
  let text = shapes.get(key);
  if (text === undefined) {
    text = executor.insertInto(collection.name).values(values).returningAll().compile().sql;
    if (shapes.size < INSERT_SHAPES) shapes.set(key, text);
  }
  const result = await executeCompiled<RecordRow>(executor, CompiledQuery.raw(text, parameters)).catch(
    rethrowNotUnique,
  );
  return result.rows[0]!;
}

/** Returns whether a record with that id existed. */
export async function updateRecord(
  executor: Kysely<any>,
  collection: Collection,
  id: string,
  values: RecordRow,
): Promise<boolean> {
  if (Object.keys(values).length === 0) return (await findRecordById(executor, collection, id)) !== undefined;
  const result = await executor
    .updateTable(collection.name)
    .set(values)
    .where('id', '=', id)
    .executeTakeFirst()
    .catch(rethrowNotUnique);
  return result.numUpdatedRows > 0n;
}

/** Returns whether a record with that id existed. */
export async function deleteRecord(
  executor: Kysely<any>,
  collection: Collection,
  id: string,
): Promise<boolean> {
  const result = await executor.deleteFrom(collection.name).where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

const findByIdSql = new WeakMap<
  Collection,
  Partial<Record<'sqlite' | 'postgres' | 'postgresLocked', string>>
>();

/**
 * The stored row with that id (at once from SQLite's reader, else a promise). `lock` (for a write that reads, then changes, the row) takes the
 * row lock on PostgreSQL, so concurrent updates such as `views+` do not lose each other's
 * changes; SQLite has one writer and needs none.
 */
export function findRecordById(
  executor: Kysely<any>,
  collection: Collection,
  id: string,
  lock = false,
): RecordRow | undefined | Promise<RecordRow | undefined> {
  const dialect = executor.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
  const key = dialect === 'postgres' && lock ? 'postgresLocked' : dialect;
  let cached = findByIdSql.get(collection);
  if (!cached) {
    cached = {};
    findByIdSql.set(collection, cached);
  }
  let text = cached[key];
  if (text === undefined) {
    text = `select * from ${quote(collection.name)} where "id" = ${dialect === 'postgres' ? '$1' : '?'}`;
    if (key === 'postgresLocked') text += ' for update';
    cached[key] = text;
  }
  const read = directReads(executor);
  if (read) return read(text, [id])[0];
  return executor.executeQuery<RecordRow>(CompiledQuery.raw(text, [id])).then(firstRow);
}

const firstRow = (result: { rows: RecordRow[] }) => result.rows[0];
