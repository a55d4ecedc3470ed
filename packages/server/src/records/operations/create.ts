import { InvalidPayloadError } from '@sluice/hooks';
import type { Core } from '../../app/core.ts';
import { inTransaction } from '../../app/transaction.ts';
import type { Collection, RecordData } from '../../collections/types.ts';
import type { HookContext } from '../../context.ts';
import { actionEventRecord } from '../../outbox/event-record.ts';
import { recordEvent } from '../../outbox/events.ts';
import { runWrite } from '../../writes/pipeline.ts';
import { decodeRecord, validateRecordInput } from '../encoding.ts';
import { assertRuleNotLocked, collectionLookup, recordMatches, ruleCondition } from '../rules.ts';
import { withoutSecrets } from '../secrets.ts';
import {
  assertEmailFree,
  assertRelationsExist,
  findRecordById,
  insertRecord,
  type RecordRow,
} from '../store.ts';
import { emitAction, recordTags } from './events.ts';

/**
 * Creates a record through the write pipeline: `records.create` filter → validation →
 * `model.create` filter → insert → create rule (a refusal is a 400, as in PocketBase) →
 * recorders → (after commit) `model.create`, `records.create` and, for a guest signing up,
 * `auth.signup` actions. Actions get the stored record in full but for hidden fields, and the
 * input without passwords.
 */
export async function createRecord(
  app: Core,
  collection: Collection,
  input: Record<string, unknown>,
  ctx: HookContext,
): Promise<RecordData> {
  assertRuleNotLocked(collection, 'createRule', ctx);
  const tags = recordTags(collection);
  return inTransaction(app, ctx, async (tx) => {
    const isAdmin = tx.accountability.admin;
    const getCollection = collectionLookup(tx.schema);
    let data: Record<string, unknown> = input;
    const stored = await runWrite(app, tx, {
      context: 'records',
      action: 'create',
      table: collection.name,
      tags,
      modelTags: tags,
      meta: { collection: collection.name, collectionId: collection.id },
      modelMeta: { collection: collection.name },
      input,
      async prepare(filtered) {
        data = filtered;
        return (await validateRecordInput(collection, filtered, { isAdmin, getCollection })).values;
      },
      async store(row) {
        const id = String(row.id);
        await assertRelationsExist(tx.database, collection, row, getCollection, true);
        await assertEmailFree(tx.database, collection, row, id);
        await insertRecord(tx.database, collection, row);
        const condition = ruleCondition(collection, 'createRule', tx, app.database.dialect, data);
        if (condition && !(await recordMatches(tx.database, collection, id, condition))) {
          throw new InvalidPayloadError('Failed to create record.');
        }
        return (await findRecordById(tx.database, collection, id)) as RecordRow;
      },
      outcome: (row, filtered) => ({
        record: decodeRecord(collection, row, { isAdmin: true }),
        payload: withoutSecrets(filtered),
        keys: [String(row.id)],
      }),
    });
    const record = decodeRecord(collection, stored, { isAdmin, showEmail: isAdmin });
    if (collection.type === 'auth' && tx.accountability.user === null && !isAdmin) {
      const signedUp = decodeRecord(collection, stored, { isAdmin: true });
      emitAction(
        app,
        'auth.signup',
        { event: 'auth.signup', collection: collection.name, record: signedUp },
        tx,
        tags,
      );
      await recordEvent(
        tx,
        actionEventRecord(app.catalogue, {
          name: 'auth.signup',
          tags,
          user: signedUp.id,
          record: signedUp,
          derived: { source: 'auth', kind: 'signup', eventName: collection.name },
        }),
      );
    }
    return record;
  });
}
