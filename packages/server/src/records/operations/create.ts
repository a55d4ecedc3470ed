import { InvalidPayloadError } from '@sluice/hooks';
import { unknownRoleIds } from '../../access/store.ts';
import type { Core } from '../../app/core.ts';
import { inTransaction } from '../../app/transaction.ts';
import type { Collection, RecordData } from '../../collections/types.ts';
import type { HookContext } from '../../context.ts';
import { checkFileNames, storeUploads, takeUploads } from '../../files/record-files.ts';
import { actionEventRecord } from '../../outbox/event-record.ts';
import { recordEvent } from '../../outbox/events.ts';
import { runWrite } from '../../writes/pipeline.ts';
import { decodeRecord, validateRecordInput } from '../encoding.ts';
import {
  assertPermittedInput,
  assertRuleNotLocked,
  collectionLookup,
  permittedFields,
  recordMatches,
  ruleCondition,
  withPermittedFields,
  withPresets,
} from '../rules.ts';
import { withoutSecrets } from '../secrets.ts';
import { assertEmailFree, assertRelationsExist, insertRecord } from '../store.ts';
import { emitAction, recordTags } from './events.ts';
import { validateFilter, writeFailures } from './write-hooks.ts';

/**
 * Creates a record through the write pipeline: `records.create` filter → validation →
 * `model.create` filter → insert → create rule (a refusal is a 400, as in PocketBase) →
 * recorders → (after commit) `model.create`, `records.create` and, for a guest signing up,
 * `auth.signup` actions. Files sent with the record (`UploadedFile`s in the input) are checked
 * before the transaction, stored just before the insert, removed again on rollback, and each
 * emits `files.upload` after the commit. Actions get the stored record in full but for hidden fields, and the
 * input without passwords.
 */
export async function createRecord(
  app: Core,
  collection: Collection,
  input: Record<string, unknown>,
  ctx: HookContext,
): Promise<RecordData> {
  assertRuleNotLocked(collection, 'createRule', ctx);
  assertPermittedInput(input, permittedFields(collection, 'createRule', ctx));
  const tags = recordTags(collection);
  const given = withPresets(collection, input, ctx);
  const { input: named, uploads } = takeUploads(collection, given);
  const failures = writeFailures(app, collection, 'create', ctx);
  return inTransaction(app, ctx, async (tx) => {
    const isAdmin = tx.accountability.admin;
    const getCollection = collectionLookup(tx.schema);
    let data: Record<string, unknown> = named;
    const stored = await runWrite(app, tx, {
      context: 'records',
      action: 'create',
      table: collection.name,
      tags,
      modelTags: tags,
      meta: { collection: collection.name, collectionId: collection.id, ...(uploads && { files: uploads }) },
      modelMeta: { collection: collection.name },
      input: named,
      async prepare(filtered) {
        failures.reached(filtered);
        data = await validateFilter(app, collection, filtered, tx);
        failures.reached(data);
        const { values } = await validateRecordInput(collection, data, {
          isAdmin,
          getCollection,
          unknownRoles: (ids) => unknownRoleIds(tx.database, ids),
        });
        checkFileNames(collection, values, undefined, uploads);
        return values;
      },
      async store(row) {
        const id = String(row.id);
        await assertRelationsExist(tx.database, collection, row, getCollection, true);
        await assertEmailFree(tx.database, collection, row, id);
        await storeUploads(app, tx, collection, id, row, uploads);
        const inserted = await insertRecord(tx.database, collection, row);
        const condition = ruleCondition(collection, 'createRule', tx, app.database.dialect, data);
        if (condition && !(await recordMatches(tx.database, collection, id, condition))) {
          throw new InvalidPayloadError('Failed to create record.');
        }
        return inserted;
      },
      outcome: (row, filtered) => ({
        record: decodeRecord(collection, row, { isAdmin: true }),
        payload: withoutSecrets(filtered),
        keys: [String(row.id)],
      }),
    });
    const record = withPermittedFields(
      decodeRecord(collection, stored, { isAdmin, showEmail: isAdmin }),
      permittedFields(collection, 'viewRule', tx),
    );
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
  }).catch(failures.rethrow);
}
