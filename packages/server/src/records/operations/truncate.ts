import { NotFoundError } from '@sluice/hooks';
import type { Core } from '../../app/core.ts';
import { inTransaction } from '../../app/transaction.ts';
import type { Collection } from '../../collections/types.ts';
import type { HookContext } from '../../context.ts';
import { deleteRecord } from './delete.ts';

/**
 * Deletes every record of a collection, each through the delete operation, in one transaction:
 * hooks, cascades and events run per record, and the files go after the commit, as PocketBase's
 * truncate does. A record already gone by a cascade from an earlier one is skipped.
 */
export async function truncateRecords(app: Core, collection: Collection, ctx: HookContext): Promise<void> {
  await inTransaction(app, ctx, async (tx) => {
    const rows = await tx.database.selectFrom(collection.name).select('id').orderBy('id').execute();
    for (const { id } of rows) {
      try {
        await deleteRecord(app, collection, String(id), tx);
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
      }
    }
  });
}
