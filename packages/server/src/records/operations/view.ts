import { NotFoundError } from '@sluice/hooks';
import type { Core } from '../../app/core.ts';
import type { Collection, RecordData } from '../../collections/types.ts';
import type { HookContext } from '../../context.ts';
import { parseFieldsParam, pickFields } from '../../filter/index.ts';
import { decodeRecord } from '../encoding.ts';
import { expandRecords } from '../expand.ts';
import { isOwnRecord, permittedFields, ruleCondition, withPermittedFields } from '../rules.ts';
import { findRecordById } from '../store.ts';
import { emitAction, filterPayload, recordTags } from './events.ts';

export interface ViewQuery {
  fields?: string;
  expand?: string;
}

/** Reads one record the caller may view (view rule); the `records.view` filter may change it. */
export async function viewRecord(
  app: Core,
  collection: Collection,
  id: string,
  query: ViewQuery,
  ctx: HookContext,
): Promise<RecordData> {
  const rule = ruleCondition(collection, 'viewRule', ctx, app.database.dialect);
  const executor = ctx.database.isTransaction ? ctx.database : app.database.reader;
  const row = rule
    ? await executor
        .selectFrom(collection.name)
        .selectAll()
        .where('id', '=', id)
        .where(rule)
        .executeTakeFirst()
    : await findRecordById(executor, collection, id);
  if (!row) throw new NotFoundError('The requested resource wasn’t found.');
  const record = withPermittedFields(
    decodeRecord(collection, row, {
      isAdmin: ctx.accountability.admin,
      showEmail: isOwnRecord(collection, row, ctx.accountability),
    }),
    permittedFields(collection, 'viewRule', ctx),
  );
  if (query.expand) await expandRecords(app.database, collection, [record], query.expand, ctx);
  const tags = recordTags(collection);
  const meta = { event: 'records.view', collection: collection.name, collectionId: collection.id, query };
  const result = await filterPayload(app, 'records.view', record, meta, ctx, tags);
  emitAction(app, 'records.view', { ...meta, payload: result }, ctx, tags);
  const selection = query.fields ? parseFieldsParam(query.fields) : null;
  return selection ? pickFields(result, selection) : result;
}
