import { NotFoundError } from '@sluice/hooks';
import type { Core } from '../../app/core.ts';
import type { Collection, RecordData } from '../../collections/types.ts';
import type { HookContext } from '../../context.ts';
import { directReads } from '../../db/direct.ts';
import { parseFieldsParam, pickFields } from '../../filter/index.ts';
import { andThen, type MaybePromise } from '../../maybe-async.ts';
import { decodeRecord } from '../encoding.ts';
import { expandRecords } from '../expand.ts';
import { isOwnRecord, permittedFields, ruleCondition, withPermittedFields } from '../rules.ts';
import { findRecordById, type RecordRow } from '../store.ts';
import { emitAction, filterPayload, recordTags } from './events.ts';

export interface ViewQuery {
  fields?: string;
  expand?: string;
}

/**
 * Reads one record the caller may view (view rule); the `records.view` filter may change it.
 * Synchronous, on SQLite's reader, unless an expand or a hook needs to wait (so it may throw
 * rather than reject).
 */
export function viewRecord(
  app: Core,
  collection: Collection,
  id: string,
  query: ViewQuery,
  ctx: HookContext,
): MaybePromise<RecordData> {
  const rule = ruleCondition(collection, 'viewRule', ctx, app.database.dialect);
  const executor = ctx.database.isTransaction ? ctx.database : app.database.reader;
  let row: MaybePromise<RecordRow | undefined>;
  if (!rule) row = findRecordById(executor, collection, id);
  else {
    const select = executor.selectFrom(collection.name).selectAll().where('id', '=', id).where(rule);
    const read = directReads(executor);
    if (read) {
      const { sql, parameters } = select.compile();
      row = read(sql, parameters)[0];
    } else row = select.executeTakeFirst();
  }
  return andThen(row, (found) => viewFound(app, collection, found, query, ctx));
}

function viewFound(
  app: Core,
  collection: Collection,
  row: RecordRow | undefined,
  query: ViewQuery,
  ctx: HookContext,
): MaybePromise<RecordData> {
  if (!row) throw new NotFoundError('The requested resource wasn’t found.');
  const record = withPermittedFields(
    decodeRecord(collection, row, {
      isAdmin: ctx.accountability.admin,
      showEmail: isOwnRecord(collection, row, ctx.accountability),
    }),
    permittedFields(collection, 'viewRule', ctx),
  );
  if (!query.expand) return filtered(app, collection, record, query, ctx);
  return expandRecords(app.database, collection, [record], query.expand, ctx).then(() =>
    filtered(app, collection, record, query, ctx),
  );
}

function filtered(
  app: Core,
  collection: Collection,
  record: RecordData,
  query: ViewQuery,
  ctx: HookContext,
): MaybePromise<RecordData> {
  const tags = recordTags(collection);
  const meta = { event: 'records.view', collection: collection.name, collectionId: collection.id, query };
  return andThen(filterPayload(app, 'records.view', record, meta, ctx, tags), (result) => {
    emitAction(app, 'records.view', { ...meta, payload: result }, ctx, tags);
    const selection = query.fields ? parseFieldsParam(query.fields) : null;
    return selection ? pickFields(result, selection) : result;
  });
}
