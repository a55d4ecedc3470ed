import { InvalidPayloadError } from '@sluice/hooks';
import { type Kysely, sql } from 'kysely';
import { withoutQueryTimeout } from '../db/deadline.ts';
import type { Dialect } from '../db/types.ts';
import { storageKind } from './fields.ts';
import { ORIGIN } from './geo-point.ts';
import { formatIndex, parseIndex, retargetIndex } from './indexes.ts';
import type { Collection, Field } from './types.ts';

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

function run(trx: Kysely<any>, statement: string): Promise<unknown> {
  return sql.raw(statement).execute(trx);
}

/** The column definition of a field; see the storage encoding in the collection docs. */
export function columnDefinition(dialect: Dialect, field: Field): string {
  const column = quote(field.name);
  if (field.primaryKey) return `${column} TEXT PRIMARY KEY NOT NULL`;
  switch (storageKind(field)) {
    case 'number':
      return `${column} ${dialect === 'postgres' ? 'DOUBLE PRECISION' : 'REAL'} NOT NULL DEFAULT 0`;
    case 'bool':
      return `${column} INTEGER NOT NULL DEFAULT 0`;
    case 'json':
      return `${column} TEXT NULL DEFAULT NULL`;
    case 'multiple':
      return `${column} TEXT NOT NULL DEFAULT '[]'`;
    case 'point':
      return `${column} TEXT NOT NULL DEFAULT '${JSON.stringify(ORIGIN)}'`;
    case 'text':
      return `${column} TEXT NOT NULL DEFAULT ''`;
  }
}

function authIndexes(collection: Collection): string[] {
  if (collection.type !== 'auth') return [];
  const table = quote(collection.name);
  return [
    `CREATE UNIQUE INDEX IF NOT EXISTS ${quote(`idx_email_${collection.id}`)} ON ${table} ("email") WHERE "email" != ''`,
    `CREATE UNIQUE INDEX IF NOT EXISTS ${quote(`idx_tokenKey_${collection.id}`)} ON ${table} ("tokenKey")`,
  ];
}

async function createIndex(trx: Kysely<any>, dialect: Dialect, collection: Collection, position: number) {
  const statement = collection.indexes[position];
  const index = parseIndex(statement);
  const text =
    dialect === 'postgres' && index
      ? formatIndex(index, new Set(collection.fields.map((field) => field.name)))
      : statement;
  try {
    await run(trx, text);
  } catch (error) {
    throw new InvalidPayloadError('Failed to create an index.', {
      [`indexes.${position}`]: {
        code: 'validation_invalid_index_expression',
        message: error instanceof Error ? error.message : String(error),
      },
    });
  }
}

export async function createCollectionTable(
  trx: Kysely<any>,
  dialect: Dialect,
  collection: Collection,
): Promise<void> {
  await withoutQueryTimeout(trx, dialect);
  const columns = collection.fields.map((field) => columnDefinition(dialect, field));
  await run(trx, `CREATE TABLE ${quote(collection.name)} (${columns.join(', ')})`);
  for (const statement of authIndexes(collection)) await run(trx, statement);
  for (let i = 0; i < collection.indexes.length; i++) await createIndex(trx, dialect, collection, i);
}

export async function dropCollectionTable(
  trx: Kysely<any>,
  dialect: Dialect,
  collection: Collection,
): Promise<void> {
  await withoutQueryTimeout(trx, dialect);
  await run(trx, `DROP TABLE IF EXISTS ${quote(collection.name)}`);
}

function convertStorage(dialect: Dialect, column: string, toMultiple: boolean): string {
  if (toMultiple) {
    const wrap = dialect === 'postgres' ? `json_build_array(${column})::text` : `json_array(${column})`;
    return `CASE WHEN ${column} = '' THEN '[]' ELSE ${wrap} END`;
  }
  const first = dialect === 'postgres' ? `(${column}::jsonb ->> 0)` : `json_extract(${column}, '$[0]')`;
  return `COALESCE(${first}, '')`;
}

/** Brings the table of `before` to the shape of `after`; fields are matched by id. */
export async function alterCollectionTable(
  trx: Kysely<any>,
  dialect: Dialect,
  before: Collection,
  after: Collection,
): Promise<void> {
  await withoutQueryTimeout(trx, dialect);
  const table = quote(after.name);
  if (before.name !== after.name) await run(trx, `ALTER TABLE ${quote(before.name)} RENAME TO ${table}`);

  const previousIndexes = before.indexes.map((statement) => retargetIndex(statement, after.name));
  for (const statement of previousIndexes) {
    if (after.indexes.includes(statement)) continue;
    const index = parseIndex(statement);
    if (index) await run(trx, `DROP INDEX IF EXISTS ${quote(index.name)}`);
  }

  const afterById = new Map(after.fields.map((field) => [field.id, field]));
  const beforeById = new Map(before.fields.map((field) => [field.id, field]));
  for (const field of before.fields) {
    if (!afterById.has(field.id)) await run(trx, `ALTER TABLE ${table} DROP COLUMN ${quote(field.name)}`);
  }

  const renamed = after.fields.filter((field) => {
    const previous = beforeById.get(field.id);
    return previous !== undefined && previous.name !== field.name;
  });
  for (const field of renamed) {
    const previous = beforeById.get(field.id)!;
    await run(
      trx,
      `ALTER TABLE ${table} RENAME COLUMN ${quote(previous.name)} TO ${quote(`_rename_${field.id}`)}`,
    );
  }
  for (const field of renamed) {
    await run(
      trx,
      `ALTER TABLE ${table} RENAME COLUMN ${quote(`_rename_${field.id}`)} TO ${quote(field.name)}`,
    );
  }

  for (const field of after.fields) {
    const previous = beforeById.get(field.id);
    if (!previous || storageKind(previous) === storageKind(field)) continue;
    const toMultiple = storageKind(field) === 'multiple';
    if (!toMultiple && storageKind(previous) !== 'multiple') continue;
    const column = quote(field.name);
    const temporary = quote(`_convert_${field.id}`);
    await run(
      trx,
      `ALTER TABLE ${table} ADD COLUMN ${columnDefinition(dialect, { ...field, name: `_convert_${field.id}` })}`,
    );
    await run(trx, `UPDATE ${table} SET ${temporary} = ${convertStorage(dialect, column, toMultiple)}`);
    await run(trx, `ALTER TABLE ${table} DROP COLUMN ${column}`);
    await run(trx, `ALTER TABLE ${table} RENAME COLUMN ${temporary} TO ${column}`);
  }

  for (const field of after.fields) {
    if (!beforeById.has(field.id))
      await run(trx, `ALTER TABLE ${table} ADD COLUMN ${columnDefinition(dialect, field)}`);
  }

  for (const statement of authIndexes(after)) await run(trx, statement);
  for (let i = 0; i < after.indexes.length; i++) {
    if (!previousIndexes.includes(after.indexes[i])) await createIndex(trx, dialect, after, i);
  }
}
