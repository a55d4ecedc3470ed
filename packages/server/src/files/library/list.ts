import type { Expression, Kysely, SqlBool } from 'kysely';
import type { Collection } from '../../collections/types.ts';
import type { Dialect } from '../../db/types.ts';
import {
  compileFilter,
  compileSort,
  type FilterContext,
  parseFieldsParam,
  pickFields,
} from '../../filter/index.ts';
import { parseListQuery } from '../../records/query.ts';
import { libraryCollection } from './store.ts';

export interface ListPage<T> {
  page: number;
  perPage: number;
  totalItems: number;
  totalPages: number;
  items: T[];
}

/**
 * One page of a library table in PocketBase's list shape: `page`, `perPage`, `filter`, `sort`
 * (newest first when none is given), `fields` and `skipTotal`, compiled by the records' filter
 * module.
 */
export async function listLibrary<T>(
  executor: Kysely<any>,
  dialect: Dialect,
  collection: Collection,
  query: Record<string, unknown>,
  map: (row: Record<string, unknown>) => T,
  /** What the caller's grants let through, when they restrict. */
  access?: Expression<SqlBool>,
): Promise<ListPage<T>> {
  const { page, perPage, filter, sort, skipTotal, fields } = parseListQuery(query);
  const selection = parseFieldsParam(fields);
  const ctx: FilterContext = {
    dialect,
    collection,
    getCollection: libraryCollection,
    auth: null,
    allowHiddenFields: true,
  };
  let select = executor.selectFrom(collection.name);
  if (access) select = select.where(access);
  if (filter) select = select.where(compileFilter(filter, ctx));
  let rows = select
    .selectAll()
    .limit(perPage)
    .offset((page - 1) * perPage);
  for (const term of compileSort(sort || '-created,id', ctx)) rows = rows.orderBy(term);
  const [found, total] = await Promise.all([
    rows.execute(),
    skipTotal
      ? -1
      : select
          .select((eb) => eb.fn.countAll<number | string>().as('total'))
          .executeTakeFirst()
          .then((row) => Number(row?.total ?? 0)),
  ]);
  return {
    page,
    perPage,
    totalItems: total,
    totalPages: total < 0 ? -1 : Math.ceil(total / perPage),
    items: pickFields(found.map(map), selection),
  };
}
