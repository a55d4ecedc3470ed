import { InvalidPayloadError, NotFoundError } from '@sluice/hooks';
import { sql } from 'kysely';
import type { Core } from '../../app/core.ts';
import { inTransaction } from '../../app/transaction.ts';
import { isMultiple } from '../../collections/fields.ts';
import type { Collection, Field } from '../../collections/types.ts';
import { type HookContext, system } from '../../context.ts';
import { removeRecordFiles } from '../../files/record-files.ts';
import { runWrite } from '../../writes/pipeline.ts';
import { decodeRecord } from '../encoding.ts';
import { assertRuleNotLocked, recordMatches, ruleCondition } from '../rules.ts';
import { deleteRecord as deleteRow, findRecordById } from '../store.ts';
import { recordTags } from './events.ts';
import { updateRecord } from './update.ts';
import { writeFailures } from './write-hooks.ts';

/**
 * Deletes a record: delete rule, then the write pipeline: `records.delete` filter (payload: the
 * ids) → `model.delete` filter (payload: the record) → delete, with relations pointing at it
 * cascaded or cleared → recorders → (after commit) `model.delete` and `records.delete` actions,
 * and the record's files are removed.
 */
export async function deleteRecord(
  app: Core,
  collection: Collection,
  id: string,
  ctx: HookContext,
): Promise<void> {
  assertRuleNotLocked(collection, 'deleteRule', ctx);
  const tags = recordTags(collection);
  const failures = writeFailures(app, collection, 'delete', ctx);
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
      prepare: () => {
        failures.reached(record);
        return record;
      },
      async store() {
        await deleteReferences(app, collection, id, tx);
        await deleteRow(tx.database, collection, id);
        removeRecordFiles(app, tx, collection, id);
      },
      outcome: (_stored, keys) => ({ record, payload: keys, keys: [id] }),
    });
  }).catch(failures.rethrow);
}

/**
 * Before a record goes, the relations pointing at it: cascading ones delete their records,
 * optional ones are cleared, required ones refuse the delete. Each of those writes goes
 * through the records operations, so their hooks run too.
 */
async function deleteReferences(app: Core, target: Collection, id: string, tx: HookContext): Promise<void> {
  const asSystem: HookContext = { ...tx, accountability: system };
  for (const collection of tx.schema.all()) {
    for (const field of collection.fields) {
      if (field.type !== 'relation' || field.collectionId !== target.id) continue;
      const referencing = await findReferencing(tx, collection, field, id);
      for (const row of referencing) {
        const rowId = String(row.id);
        if (field.cascadeDelete) {
          if (collection.id === target.id && rowId === id) continue;
          await deleteRecord(app, collection, rowId, asSystem);
        } else if (field.required) {
          throw new InvalidPayloadError(
            `The record is still referenced by the required relation field "${field.name}" of "${collection.name}".`,
          );
        } else {
          const value = isMultiple(field)
            ? (JSON.parse(String(row[field.name] ?? '[]')) as string[]).filter((other) => other !== id)
            : '';
          await updateRecord(app, collection, rowId, { [field.name]: value }, asSystem);
        }
      }
    }
  }
}

async function findReferencing(
  tx: HookContext,
  collection: Collection,
  field: Field,
  id: string,
): Promise<Record<string, unknown>[]> {
  const column = sql.ref(field.name);
  const query = tx.database.selectFrom(collection.name).select(['id', field.name]);
  if (!isMultiple(field)) return query.where(field.name, '=', id).execute();
  return query.where(sql<boolean>`${column} like ${`%${JSON.stringify(id)}%`}`).execute();
}
