import { InvalidPayloadError } from '@sluice/hooks';
import { inTransaction } from '../../app/transaction.ts';
import type { App } from '../../app/types.ts';
import type { Collection, RecordData } from '../../collections/types.ts';
import type { HookContext } from '../../context.ts';
import { decodeRecord, validateRecordInput } from '../encoding.ts';
import { assertRuleNotLocked, collectionLookup, recordMatches, ruleCondition } from '../rules.ts';
import { assertEmailFree, assertRelationsExist, findRecordById, insertRecord } from '../store.ts';
import { emitAction, filterPayload, recordTags } from './events.ts';

/**
 * Creates a record: `records.create` filter → validation → `model.create` filter → insert →
 * create rule (a refusal is a 400, as in PocketBase) → (after commit) `model.create`,
 * `records.create` and, for a guest signing up, `auth.signup` actions.
 */
export async function createRecord(
  app: App,
  collection: Collection,
  input: Record<string, unknown>,
  ctx: HookContext,
): Promise<RecordData> {
  assertRuleNotLocked(collection, 'createRule', ctx);
  const tags = recordTags(collection);
  return inTransaction(app, ctx, async (tx) => {
    const meta = {
      event: 'records.create',
      collection: collection.name,
      collectionId: collection.id,
      action: 'create' as const,
    };
    const data = await filterPayload(app, 'records.create', input, meta, tx, tags);
    const isAdmin = tx.accountability.admin;
    const { values } = await validateRecordInput(collection, data, {
      isAdmin,
      getCollection: collectionLookup(tx.schema),
    });
    const modelMeta = {
      event: 'model.create',
      table: collection.name,
      collection: collection.name,
      action: 'create' as const,
    };
    const row = await filterPayload(app, 'model.create', values, modelMeta, tx, tags);
    const id = String(row.id);
    await assertRelationsExist(tx.database, collection, row, collectionLookup(tx.schema), true);
    await assertEmailFree(tx.database, collection, row, id);
    await insertRecord(tx.database, collection, row);
    const condition = ruleCondition(collection, 'createRule', tx, app.database.dialect, data);
    if (condition && !(await recordMatches(tx.database, collection, id, condition))) {
      throw new InvalidPayloadError('Failed to create record.');
    }
    const stored = await findRecordById(tx.database, collection, id);
    const record = decodeRecord(collection, stored!, { isAdmin, showEmail: isAdmin });
    emitAction(app, 'model.create', { ...modelMeta, record }, tx, tags);
    emitAction(app, 'records.create', { ...meta, payload: data, key: id, record }, tx, tags);
    if (collection.type === 'auth' && tx.accountability.user === null && !isAdmin) {
      emitAction(app, 'auth.signup', { event: 'auth.signup', collection: collection.name, record }, tx, tags);
    }
    return record;
  });
}
