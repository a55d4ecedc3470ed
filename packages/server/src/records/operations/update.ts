import { NotFoundError } from '@sluice/hooks';
import { unknownRoleIds } from '../../access/store.ts';
import type { Core } from '../../app/core.ts';
import { inTransaction } from '../../app/transaction.ts';
import type { Collection, RecordData } from '../../collections/types.ts';
import type { HookContext } from '../../context.ts';
import { checkFileNames, removeReplacedFiles, storeUploads, takeUploads } from '../../files/record-files.ts';
import { runWrite } from '../../writes/pipeline.ts';
import { decodeRecord, validateRecordInput } from '../encoding.ts';
import {
  assertPermittedInput,
  assertRuleNotLocked,
  collectionLookup,
  isOwnRecord,
  permittedFields,
  recordMatches,
  ruleCondition,
  withPermittedFields,
} from '../rules.ts';
import { withoutSecrets } from '../secrets.ts';
import {
  assertEmailFree,
  assertRelationsExist,
  findRecordById,
  type RecordRow,
  updateRecord as updateRow,
} from '../store.ts';
import { recordTags } from './events.ts';
import { validateFilter, writeFailures } from './write-hooks.ts';

/**
 * Updates a record: update rule (a record the caller may not update is not found), then the
 * write pipeline: `records.update` filter → validation → `model.update` filter → update →
 * recorders → (after commit) `model.update` and `records.update` actions. Files are handled as
 * on create; the files the update takes out of the record are removed after the commit.
 */
export async function updateRecord(
  app: Core,
  collection: Collection,
  id: string,
  input: Record<string, unknown>,
  ctx: HookContext,
): Promise<RecordData> {
  assertRuleNotLocked(collection, 'updateRule', ctx);
  assertPermittedInput(input, permittedFields(collection, 'updateRule', ctx));
  const tags = recordTags(collection);
  const { input: named, uploads } = takeUploads(collection, input);
  const failures = writeFailures(app, collection, 'update', ctx);
  return inTransaction(app, ctx, async (tx) => {
    const existing = await findRecordById(tx.database, collection, id, true);
    const condition = ruleCondition(collection, 'updateRule', tx, app.database.dialect, named);
    if (!existing || (condition && !(await recordMatches(tx.database, collection, id, condition)))) {
      throw new NotFoundError('The requested resource wasn’t found.');
    }
    const isAdmin = tx.accountability.admin;
    const getCollection = collectionLookup(tx.schema);
    const previous = decodeRecord(collection, existing, { isAdmin: true });
    let values: Record<string, unknown> = {};
    let prepared: Record<string, unknown> | undefined;
    const stored = await runWrite(app, tx, {
      context: 'records',
      action: 'update',
      table: collection.name,
      tags,
      modelTags: tags,
      meta: {
        collection: collection.name,
        collectionId: collection.id,
        keys: [id],
        record: previous,
        ...(uploads && { files: uploads }),
      },
      modelMeta: { collection: collection.name },
      input: named,
      async prepare(filtered) {
        failures.reached({ ...previous, ...filtered });
        const data = await validateFilter(app, collection, filtered, tx, previous);
        failures.reached({ ...previous, ...data });
        ({ values } = await validateRecordInput(collection, data, {
          existing,
          isAdmin,
          getCollection,
          unknownRoles: (ids) => unknownRoleIds(tx.database, ids),
        }));
        checkFileNames(collection, values, existing, uploads);
        prepared = { ...existing, ...values };
        return prepared;
      },
      async store(row) {
        const changes = row === prepared ? values : changedColumns(existing, row);
        await assertRelationsExist(tx.database, collection, changes, getCollection, false);
        await assertEmailFree(tx.database, collection, changes, id);
        await storeUploads(app, tx, collection, id, changes, uploads);
        await updateRow(tx.database, collection, id, changes);
        removeReplacedFiles(app, tx, collection, existing, changes);
        return (await findRecordById(tx.database, collection, id)) as RecordRow;
      },
      outcome: (row, data) => ({
        record: decodeRecord(collection, row, { isAdmin: true }),
        payload: withoutSecrets(data),
        keys: [id],
        previous,
      }),
    });
    const showEmail = isAdmin || isOwnRecord(collection, existing, tx.accountability);
    return withPermittedFields(
      decodeRecord(collection, stored, { isAdmin, showEmail }),
      permittedFields(collection, 'viewRule', tx),
    );
  }).catch(failures.rethrow);
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
