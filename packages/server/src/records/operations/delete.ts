import { NotFoundError } from '@sluice/hooks';
import { inTransaction } from '../../app/transaction.ts';
import type { App } from '../../app/types.ts';
import type { Collection } from '../../collections/types.ts';
import type { HookContext } from '../../context.ts';
import { runWrite } from '../../writes/pipeline.ts';
import { decodeRecord } from '../encoding.ts';
import { assertRuleNotLocked, recordMatches, ruleCondition } from '../rules.ts';
import { deleteRecord as deleteRow, findRecordById } from '../store.ts';
import { recordTags } from './events.ts';
import { deleteReferences } from './references.ts';

/**
 * Deletes a record: delete rule, then the write pipeline: `records.delete` filter (payload: the
 * ids) → `model.delete` filter (payload: the record) → delete, with relations pointing at it
 * cascaded or cleared → recorders → (after commit) `model.delete` and `records.delete` actions.
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
    const record = decodeRecord(collection, existing, { isAdmin: true });
    await runWrite(app, tx, {
      context: 'records',
      action: 'delete',
      table: collection.name,
      tags,
      modelTags: tags,
      meta: { collection: collection.name, collectionId: collection.id, keys: [id], record },
      modelMeta: { collection: collection.name },
      input: [id],
      prepare: () => record,
      async store() {
        await deleteReferences(app, collection, id, tx);
        await deleteRow(tx.database, collection, id);
      },
      outcome: (_stored, keys) => ({ record, payload: keys, keys: [id] }),
    });
  });
}
