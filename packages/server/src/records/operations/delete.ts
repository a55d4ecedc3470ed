import { NotFoundError } from '@sluice/hooks';
import { inTransaction } from '../../app/transaction.ts';
import type { App } from '../../app/types.ts';
import type { Collection } from '../../collections/types.ts';
import type { HookContext } from '../../context.ts';
import { decodeRecord } from '../encoding.ts';
import { assertRuleNotLocked, recordMatches, ruleCondition } from '../rules.ts';
import { deleteRecord as deleteRow, findRecordById } from '../store.ts';
import { emitAction, filterPayload, recordTags } from './events.ts';
import { deleteReferences } from './references.ts';

/**
 * Deletes a record: delete rule → `records.delete` filter → `model.delete` filter → delete,
 * with relations pointing at it cascaded or cleared → (after commit) `model.delete` and
 * `records.delete` actions.
 */
export async function deleteRecord(
  app: App,
  collection: Collection,
  id: string,
  ctx: HookContext,
): Promise<void> {
  assertRuleNotLocked(collection, 'deleteRule', ctx);
  const tags = recordTags(collection);
  await inTransaction(app, ctx, async (tx) => {
    const existing = await findRecordById(tx.database, collection, id, true);
    const condition = ruleCondition(collection, 'deleteRule', tx, app.database.dialect);
    if (!existing || (condition && !(await recordMatches(tx.database, collection, id, condition)))) {
      throw new NotFoundError('The requested resource wasn’t found.');
    }
    const isAdmin = tx.accountability.admin;
    const record = decodeRecord(collection, existing, { isAdmin, showEmail: isAdmin });
    const meta = {
      event: 'records.delete',
      collection: collection.name,
      collectionId: collection.id,
      action: 'delete' as const,
      keys: [id],
      record,
    };
    await filterPayload(app, 'records.delete', [id], meta, tx, tags);
    const modelMeta = {
      event: 'model.delete',
      table: collection.name,
      collection: collection.name,
      action: 'delete' as const,
    };
    await filterPayload(app, 'model.delete', record, modelMeta, tx, tags);
    await deleteReferences(app, collection, id, tx);
    await deleteRow(tx.database, collection, id);
    emitAction(app, 'model.delete', { ...modelMeta, record }, tx, tags);
    emitAction(app, 'records.delete', { ...meta, payload: [id] }, tx, tags);
  });
}
