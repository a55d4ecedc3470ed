import { NotFoundError } from '@sluice/hooks';
import { inTransaction } from '../../app/transaction.ts';
import type { App } from '../../app/types.ts';
import type { Collection, RecordData } from '../../collections/types.ts';
import type { HookContext } from '../../context.ts';
import { decodeRecord, validateRecordInput } from '../encoding.ts';
import {
  assertRuleNotLocked,
  collectionLookup,
  isOwnRecord,
  recordMatches,
  ruleCondition,
} from '../rules.ts';
import {
  assertEmailFree,
  assertRelationsExist,
  findRecordById,
  updateRecord as updateRow,
} from '../store.ts';
import { emitAction, filterPayload, recordTags } from './events.ts';

/**
 * Updates a record: update rule (a record the caller may not update is not found) →
 * `records.update` filter → validation → `model.update` filter → update → (after commit)
 * `model.update` and `records.update` actions.
 */
export async function updateRecord(
  app: App,
  collection: Collection,
  id: string,
  input: Record<string, unknown>,
  ctx: HookContext,
): Promise<RecordData> {
  assertRuleNotLocked(collection, 'updateRule', ctx);
  const tags = recordTags(collection);
  return inTransaction(app, ctx, async (tx) => {
    const existing = await findRecordById(tx.database, collection, id, true);
    const condition = ruleCondition(collection, 'updateRule', tx, app.database.dialect, input);
    if (!existing || (condition && !(await recordMatches(tx.database, collection, id, condition)))) {
      throw new NotFoundError('The requested resource wasn’t found.');
    }
    const isAdmin = tx.accountability.admin;
    const showEmail = isAdmin || isOwnRecord(collection, existing, tx.accountability);
    const previous = decodeRecord(collection, existing, { isAdmin, showEmail });
    const meta = {
      event: 'records.update',
      collection: collection.name,
      collectionId: collection.id,
      action: 'update' as const,
      keys: [id],
      record: previous,
    };
    const data = await filterPayload(app, 'records.update', input, meta, tx, tags);
    const { values } = await validateRecordInput(collection, data, {
      existing,
      isAdmin,
      getCollection: collectionLookup(tx.schema),
    });
    const modelMeta = {
      event: 'model.update',
      table: collection.name,
      collection: collection.name,
      action: 'update' as const,
    };
    const row = { ...existing, ...values };
    const filtered = await filterPayload(app, 'model.update', row, modelMeta, tx, tags);
    const changes = filtered === row ? values : changedColumns(existing, filtered);
    await assertRelationsExist(tx.database, collection, changes, collectionLookup(tx.schema), false);
    await assertEmailFree(tx.database, collection, changes, id);
    await updateRow(tx.database, collection, id, changes);
    const stored = await findRecordById(tx.database, collection, id);
    const record = decodeRecord(collection, stored!, { isAdmin, showEmail });
    emitAction(app, 'model.update', { ...modelMeta, record, previous }, tx, tags);
    emitAction(app, 'records.update', { ...meta, payload: data, record, previous }, tx, tags);
    return record;
  });
}

/** The columns a `model.update` filter left different from the stored row. */
function changedColumns(
  existing: Record<string, unknown>,
  row: Record<string, unknown>,
): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) if (existing[column] !== value) changes[column] = value;
  return changes;
}
