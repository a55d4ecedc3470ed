import { grantsOf } from '../access/grants.ts';
import { permissionsTable } from '../access/store.ts';
import type { Core } from '../app/core.ts';
import { announce } from '../cluster/announce.ts';
import type { HookContext } from '../context.ts';
import { presetsTable } from '../presets/store.ts';
import { nowDate } from '../records/dates.ts';
import { relationsTable } from '../relations/store.ts';
import type { WriteRecorder } from '../writes/recorders.ts';
import { deleteItems, type SystemItem, type SystemTable, updateItem } from '../writes/system-items.ts';
import type { Collection } from './types.ts';

/**
 * Permissions, presets and relations name collections: a renamed collection takes them along,
 * and a deleted one takes its permissions and presets with it (its relations go with the
 * relations recorder), inside the collection write's transaction and through the pipeline
 * (`permissions.update`, `presets.delete`, …), so none is left naming a collection that no longer
 * exists.
 * A recorder of collection writes only (added with `writesOf('collections')`).
 */
export function collectionReferencesRecorder(core: Core): WriteRecorder {
  return async (write, tx) => {
    let permissions = 0;
    if (write.action === 'update') {
      const from = (write.previous as Collection | undefined)?.name;
      const to = (write.record as Collection).name;
      if (from === undefined || from === to) return;
      permissions = await rename(core, tx, permissionsTable, 'collection', from, to);
      await rename(core, tx, presetsTable, 'collection', from, to);
      await rename(core, tx, presetsTable, 'userCollection', from, to);
      // the renamed collection's own relations are kept by the relations recorder
      await rename(core, tx, relationsTable, 'relatedCollection', from, to);
    } else if (write.action === 'delete') {
      const name = (write.record as Collection).name;
      permissions = await remove(core, tx, permissionsTable, ['collection'], name);
      await remove(core, tx, presetsTable, ['collection', 'userCollection'], name);
    }
    if (permissions > 0)
      tx.scope?.onCommit(() => {
        void grantsOf(core.schema)
          .reload(core.database.db)
          .then(() => announce(core, 'access'))
          .catch((error) => core.logger.error({ err: error }, 'Reloading the permissions failed.'));
      });
  };
}

/** Deletes every item of `table` one of whose `columns` names `name`, each its own event; how many. */
async function remove<T extends SystemItem & { updated: string }>(
  core: Core,
  tx: HookContext,
  table: SystemTable<T>,
  columns: (keyof T & string)[],
  name: string,
): Promise<number> {
  const rows = await tx.database
    .selectFrom(table.table)
    .selectAll()
    .where((eb) => eb.or(columns.map((column) => eb(column as string, '=', name))))
    .execute();
  for (const item of rows.map(table.fromRow)) await deleteItems(core, tx, table, [item]);
  return rows.length;
}

/** Points every item of `table` whose `column` names `from` at `to`; how many there were. */
async function rename<T extends SystemItem & { updated: string }>(
  core: Core,
  tx: HookContext,
  table: SystemTable<T>,
  column: keyof T & string,
  from: string,
  to: string,
): Promise<number> {
  const rows = await tx.database
    .selectFrom(table.table)
    .selectAll()
    .where(column as string, '=', from)
    .execute();
  for (const item of rows.map(table.fromRow))
    await updateItem(core, tx, table, item, { [column]: to }, (input) => ({
      ...item,
      ...input,
      updated: nowDate(),
    }));
  return rows.length;
}
