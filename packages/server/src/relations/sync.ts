import type { Core } from '../app/core.ts';
import type { Collection } from '../collections/types.ts';
import type { HookContext } from '../context.ts';
import { nowDate } from '../records/dates.ts';
import type { WriteRecorder } from '../writes/recorders.ts';
import { createItem, deleteItems, updateItem } from '../writes/system-items.ts';
import { RELATIONS, type Relation, type RelationSpec, relationsOf, relationsTable } from './store.ts';

/**
 * Keeps `_relations` in step with the collections' relation fields, inside the collection
 * write's transaction: a relation field added, changed or removed is a `relations.create`,
 * `relations.update` or `relations.delete` beside that write's own events.
 * A recorder of collection writes only (added with `writesOf('collections')`).
 */
export function relationsRecorder(core: Core): WriteRecorder {
  return async (write, tx) => {
    const collection = write.record as Collection;
    const previous = write.previous as Collection | undefined;
    const names = [...new Set([collection.name, previous?.name ?? collection.name])];
    const stored = (
      await tx.database.selectFrom(RELATIONS).selectAll().where('collection', 'in', names).execute()
    ).map(relationsTable.fromRow);
    const wanted =
      write.action === 'delete'
        ? []
        : relationsOf(collection, (id) =>
            id === collection.id ? collection.name : core.schema.get(id)?.name,
          );
    await syncRelations(core, tx, stored, wanted);
  };
}

async function syncRelations(core: Core, tx: HookContext, stored: Relation[], wanted: RelationSpec[]) {
  const byField = new Map(stored.map((relation) => [relation.field, relation]));
  for (const spec of wanted) {
    const current = byField.get(spec.field);
    byField.delete(spec.field);
    if (!current) {
      await createItem(core, tx, relationsTable, { ...spec }, (input, base) => ({ ...base, ...input }));
      continue;
    }
    const changed = (Object.keys(spec) as (keyof RelationSpec)[]).some((key) => spec[key] !== current[key]);
    if (changed)
      await updateItem(core, tx, relationsTable, current, { ...spec }, (input) => ({
        ...current,
        ...input,
        updated: nowDate(),
      }));
  }
  for (const gone of byField.values()) await deleteItems(core, tx, relationsTable, [gone]);
}
