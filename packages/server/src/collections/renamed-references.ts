import { grantsOf } from '../access/grants.ts';
import { permissionsTable } from '../access/store.ts';
import type { Core } from '../app/core.ts';
import { announce } from '../cluster/announce.ts';
import type { HookContext } from '../context.ts';
import { presetsTable } from '../presets/store.ts';
import { nowDate } from '../records/dates.ts';
import { relationsTable } from '../relations/store.ts';
import type { WriteRecorder } from '../writes/recorders.ts';
import { type SystemItem, type SystemTable, updateItem } from '../writes/system-items.ts';
import type { Collection } from './types.ts';

/**
 * Permissions, presets and relations name collections: a renamed collection takes them along,
 * inside the rename's transaction and through the pipeline (`permissions.update`, …), so none
 * is left naming a collection that no longer exists.
 */
export function renamedReferencesRecorder(core: Core): WriteRecorder {
  return async (write, tx) => {
    if (write.context !== 'collections' || write.action !== 'update') return;
    const from = (write.previous as Collection | undefined)?.name;
    const to = (write.record as Collection).name;
    if (from === undefined || from === to) return;
    const permissions = await rename(core, tx, permissionsTable, 'collection', from, to);
    await rename(core, tx, presetsTable, 'collection', from, to);
    await rename(core, tx, presetsTable, 'userCollection', from, to);
    // the renamed collection's own relations are kept by the relations recorder
    await rename(core, tx, relationsTable, 'relatedCollection', from, to);
    if (permissions > 0)
      tx.scope?.onCommit(() => {
        void grantsOf(core.schema)
          .reload(core.database.db)
          .then(() => announce(core, 'access'))
          .catch((error) => core.logger.error({ err: error }, 'Reloading the permissions failed.'));
      });
  };
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
