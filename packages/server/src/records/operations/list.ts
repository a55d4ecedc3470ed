import { CompiledQuery, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { Core } from '../../app/core.ts';
import type { ListResult } from '../../catalogue/events.ts';
import type { Collection, RecordData } from '../../collections/types.ts';
import type { HookContext } from '../../context.ts';
import { directReads } from '../../db/direct.ts';
import type { Caller, Dialect } from '../../db/types.ts';
import {
  callerFilterContext,
  compileFilter,
  compileSort,
  parseFieldsParam,
  pickFields,
} from '../../filter/index.ts';
import { callerOf } from '../../http/caller.ts';
import { andThen, type MaybePromise } from '../../maybe-async.ts';
import { decodeRecord } from '../encoding.ts';
import { expandRecords } from '../expand.ts';
import type { ListQuery } from '../query.ts';
import { filterContext, isOwnRecord, permittedFields, ruleCondition, withPermittedFields } from '../rules.ts';
import type { RecordRow } from '../store.ts';
import { emitAction, filterPayload, recordTags } from './events.ts';

const plainPages = new WeakMap<Collection, Partial<Record<Dialect, string>>>();

/** `select * from "…" limit ? offset ?`, as Kysely compiles it, once per collection and dialect. */
function plainPageSql(executor: Kysely<any>, collection: Collection, dialect: Dialect): string {
  let cached = plainPages.get(collection);
  if (!cached) {
    cached = {};
    plainPages.set(collection, cached);
  }
  cached[dialect] ??= executor.selectFrom(collection.name).selectAll().limit(1).offset(0).compile().sql;
  return cached[dialect];
}

const rowsOf = (result: { rows: RecordRow[] }) => result.rows;

/**
 * Lists one page of records the caller may see (list rule), filtered and sorted in SQL, with
 * relations expanded; the `records.list` filter may change the result before it is sent.
 * Synchronous when the page is read from SQLite's reader without a total, and no expand or hook
 * needs to wait (so it may throw rather than reject).
 */
export function listRecords(
  app: Core,
  collection: Collection,
  query: ListQuery,
  ctx: HookContext,
): MaybePromise<ListResult> {
  const dialect = app.database.dialect;
  const rule = ruleCondition(collection, 'listRule', ctx, dialect);
  const executor = ctx.database.isTransaction ? ctx.database : app.database.reader;
  const offset = (query.page - 1) * query.perPage;

  let select: SelectQueryBuilder<any, any, object> | undefined;
  let rowsQuery: CompiledQuery<RecordRow>;
  // Only a page that a rule, filter or sort makes costly may be worth stopping for a gone client.
  let caller: Caller | undefined;
  if (!rule && query.filter === '' && query.sort === '') {
    // The common page (no rule, filter or sort): its SQL is the same every time.
    rowsQuery = CompiledQuery.raw(plainPageSql(executor, collection, dialect), [query.perPage, offset]);
  } else {
    const filterCtx = ctx.accountability.admin
      ? { ...filterContext(collection, ctx, dialect), allowHiddenFields: true }
      : callerFilterContext(filterContext(collection, ctx, dialect));
    const filter = query.filter ? compileFilter(query.filter, filterCtx) : undefined;
    select = executor.selectFrom(collection.name);
    if (rule) select = select.where(rule);
    if (filter) select = select.where(filter);
    let rows = select.selectAll().limit(query.perPage).offset(offset);
    for (const term of compileSort(query.sort || '', filterCtx)) rows = rows.orderBy(term);
    rowsQuery = rows.compile();
    caller = callerOf(ctx.request);
  }
  const read = directReads(executor);
  // A direct read runs to its end before anything else can: there is nothing to cancel.
  if (read && query.skipTotal)
    return listed(app, collection, query, ctx, read(rowsQuery.sql, rowsQuery.parameters), -1);
  const counted = select ?? executor.selectFrom(collection.name);
  return app.database
    .cancellable(caller, () =>
      Promise.all([
        read ? read(rowsQuery.sql, rowsQuery.parameters) : executor.executeQuery(rowsQuery).then(rowsOf),
        query.skipTotal
          ? -1
          : counted
              .select((eb) => eb.fn.countAll<number | string>().as('total'))
              .executeTakeFirst()
              .then((row) => Number(row?.total ?? 0)),
      ]),
    )
    .then(([rows, total]) => listed(app, collection, query, ctx, rows, total));
}

/** The page read: decoded for the caller, expanded, through the `records.list` filter. */
function listed(
  app: Core,
  collection: Collection,
  query: ListQuery,
  ctx: HookContext,
  rows: RecordRow[],
  total: number,
): MaybePromise<ListResult> {
  const isAdmin = ctx.accountability.admin;
  const fields = permittedFields(collection, 'listRule', ctx);
  const items = rows.map((row) =>
    withPermittedFields(
      decodeRecord(collection, row, { isAdmin, showEmail: isOwnRecord(collection, row, ctx.accountability) }),
      fields,
    ),
  );
  if (!query.expand) return filtered(app, collection, query, ctx, items, total);
  return expandRecords(app.database, collection, items, query.expand, ctx).then(() =>
    filtered(app, collection, query, ctx, items, total),
  );
}

function filtered(
  app: Core,
  collection: Collection,
  query: ListQuery,
  ctx: HookContext,
  items: RecordData[],
  total: number,
): MaybePromise<ListResult> {
  const tags = recordTags(collection);
  const meta = { event: 'records.list', collection: collection.name, collectionId: collection.id, query };
  const page: ListResult = {
    page: query.page,
    perPage: query.perPage,
    totalItems: total,
    totalPages: total < 0 ? -1 : Math.ceil(total / query.perPage),
    items,
  };
  return andThen(filterPayload(app, 'records.list', page, meta, ctx, tags), (result) => {
    emitAction(app, 'records.list', { ...meta, payload: result }, ctx, tags);
    const selection = parseFieldsParam(query.fields);
    return selection ? { ...result, items: pickFields(result.items, selection) } : result;
  });
}
