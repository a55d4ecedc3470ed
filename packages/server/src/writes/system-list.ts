import type { Expression, Kysely, SqlBool } from 'kysely';
import type { Collection, Field, FieldType } from '../collections/types.ts';
import type { Dialect } from '../db/types.ts';
import { compileFilter, compileSort } from '../filter/index.ts';
import type { ListQuery } from '../records/query.ts';

/** PocketBase's list shape. */
export interface ItemPage<T> {
  page: number;
  perPage: number;
  totalItems: number;
  totalPages: number;
  items: T[];
}

/**
 * A system table described as a collection of plain fields, so that list filters and sorts
 * (`?filter=collection='posts'&sort=-created`) compile with the records' filter language.
 */
export function tableShape(table: string, columns: Record<string, FieldType>): Collection {
  const fields: Field[] = Object.entries(columns).map(([name, type]) => ({ id: name, name, type }));
  return {
    id: table,
    name: table,
    type: 'base',
    system: true,
    fields,
    indexes: [],
    listRule: null,
    viewRule: null,
    createRule: null,
    updateRule: null,
    deleteRule: null,
    created: '',
    updated: '',
  };
}

/** What compiles filters and sorts over a system table's shape. */
export function shapeFilterContext(shape: Collection, dialect: Dialect) {
  return {
    dialect,
    collection: shape,
    getCollection: (name: string) => (name === shape.name || name === shape.id ? shape : undefined),
    auth: null,
  };
}

/** One page of a system table, `where` (the caller's scope) and the query's filter applied. */
export async function listItems<T>(
  executor: Kysely<any>,
  dialect: Dialect,
  shape: Collection,
  query: Pick<ListQuery, 'page' | 'perPage' | 'filter' | 'sort'>,
  map: (row: Record<string, unknown>) => T,
  where?: Expression<SqlBool>,
  defaultSort = '-created',
): Promise<ItemPage<T>> {
  const context = shapeFilterContext(shape, dialect);
  let select = executor.selectFrom(shape.name);
  if (where) select = select.where(where);
  if (query.filter) select = select.where(compileFilter(query.filter, context));
  const { total } = await select
    .select((eb) => eb.fn.countAll<number | string>().as('total'))
    .executeTakeFirstOrThrow();
  let rows = select
    .selectAll()
    .limit(query.perPage)
    .offset((query.page - 1) * query.perPage);
  for (const term of compileSort(query.sort || defaultSort, context)) rows = rows.orderBy(term);
  const totalItems = Number(total);
  return {
    page: query.page,
    perPage: query.perPage,
    totalItems,
    totalPages: Math.ceil(totalItems / query.perPage),
    items: (await rows.orderBy('id').execute()).map(map),
  };
}
