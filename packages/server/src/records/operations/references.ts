import { InvalidPayloadError } from '@sluice/hooks';
import { sql } from 'kysely';
import type { App } from '../../app/types.ts';
import { isMultiple } from '../../collections/fields.ts';
import type { Collection, Field } from '../../collections/types.ts';
import { type HookContext, system } from '../../context.ts';
import { deleteRecord } from './delete.ts';
import { updateRecord } from './update.ts';

/**
 * Before a record goes, the relations pointing at it: cascading ones delete their records,
 * optional ones are cleared, required ones refuse the delete. Each of those writes goes
 * through the records operations, so their hooks run too.
 */
export async function deleteReferences(
  app: App,
  target: Collection,
  id: string,
  tx: HookContext,
): Promise<void> {
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
