import type { App } from '../../app/types.ts';
import type { ListResult } from '../../catalogue/events.ts';
import type { Collection, Field } from '../../collections/types.ts';
import type { HookContext } from '../../context.ts';
import { compileFilter, compileSort, parseFieldsParam, pickFields } from '../../filter/index.ts';
import { decodeRecord } from '../encoding.ts';
import { expandRecords } from '../expand.ts';
import type { ListQuery } from '../query.ts';
import { filterContext, isOwnRecord, ruleCondition } from '../rules.ts';
import { emitAction, filterPayload, recordTags } from './events.ts';

/**
 * What a non-superuser's own `filter` and `sort` may reference: the listed collection's fields,
 * and fields of other collections only when those are public to list. An auth collection's
 * `email` never, since matching on it would reveal addresses its owners did not make visible.
 */
function readableInClientFilters(listed: Collection) {
  return (collection: Collection, field: Field): boolean => {
    if (collection.type === 'auth' && field.name === 'email') return false;
    return collection.id === listed.id || collection.listRule === '';
  };
}

/**
 * Lists one page of records the caller may see (list rule), filtered and sorted in SQL, with
 * relations expanded; the `records.list` filter may change the result before it is sent.
 */
export async function listRecords(
  app: App,
  collection: Collection,
  query: ListQuery,
  ctx: HookContext,
): Promise<ListResult> {
  const dialect = app.database.dialect;
  const rule = ruleCondition(collection, 'listRule', ctx, dialect);
  const filterCtx = ctx.accountability.admin
    ? { ...filterContext(collection, ctx, dialect), allowHiddenFields: true }
    : { ...filterContext(collection, ctx, dialect), canRead: readableInClientFilters(collection) };
  const filter = query.filter ? compileFilter(query.filter, filterCtx) : undefined;
  const executor = ctx.database.isTransaction ? ctx.database : app.database.reader;

  let select = executor.selectFrom(collection.name);
  if (rule) select = select.where(rule);
  if (filter) select = select.where(filter);

  let rowsQuery = select
    .selectAll()
    .limit(query.perPage)
    .offset((query.page - 1) * query.perPage);
  for (const term of compileSort(query.sort || '', filterCtx)) rowsQuery = rowsQuery.orderBy(term);
  const [rows, total] = await Promise.all([
    rowsQuery.execute(),
    query.skipTotal
      ? Promise.resolve(-1)
      : select
          .select((eb) => eb.fn.countAll<number | string>().as('total'))
          .executeTakeFirst()
          .then((row) => Number(row?.total ?? 0)),
  ]);

  const isAdmin = ctx.accountability.admin;
  const items = rows.map((row) =>
    decodeRecord(collection, row, { isAdmin, showEmail: isOwnRecord(collection, row, ctx.accountability) }),
  );
  await expandRecords(app.database, collection, items, query.expand, ctx);
  const tags = recordTags(collection);
  const meta = { event: 'records.list', collection: collection.name, collectionId: collection.id, query };
  const result = await filterPayload<ListResult>(
    app,
    'records.list',
    {
      page: query.page,
      perPage: query.perPage,
      totalItems: total,
      totalPages: total < 0 ? -1 : Math.ceil(total / query.perPage),
      items,
    },
    meta,
    ctx,
    tags,
  );
  emitAction(app, 'records.list', { ...meta, payload: result }, ctx, tags);
  const selection = parseFieldsParam(query.fields);
  return selection ? { ...result, items: pickFields(result.items, selection) } : result;
}
