import { InvalidPayloadError } from '@sluice/hooks';
import type { Core } from '../app/core.ts';
import { inTransaction } from '../app/transaction.ts';
import type { HookContext } from '../context.ts';
import type { ListQuery } from '../records/query.ts';
import {
  deleteItems,
  findItem,
  type SystemItem,
  type SystemTable,
  timePrefix,
  updateItem,
} from '../writes/system-items.ts';
import { listItems } from '../writes/system-list.ts';
import { type ActivityEntry, activityShape, activityTable } from './store.ts';

/** The default order of the logs: by id, which grows with time (see `sequentialId`). */
export const NEWEST_FIRST = '-id';

/** Rows deleted per statement by a retention clean-up. */
const PRUNE_BATCH = 500;
const DAY_MS = 86_400_000;

/** `/api/activity`: the log of who did what (docs/activity.md). */
export class ActivityService {
  constructor(private readonly core: Core) {}

  list(query: Pick<ListQuery, 'page' | 'perPage' | 'filter' | 'sort'>) {
    return listItems(
      this.core.database.reader,
      this.core.database.dialect,
      activityShape,
      query,
      activityTable.fromRow,
    );
  }

  view(id: string): Promise<ActivityEntry> {
    return findItem(this.core.database.reader, activityTable, id);
  }

  /** Sets or clears an entry's comment (`activity.update`); nothing else of an entry changes. */
  comment(id: string, body: Record<string, unknown>, ctx: HookContext): Promise<ActivityEntry> {
    return inTransaction(this.core, ctx, async (tx) => {
      const current = await findItem(tx.database, activityTable, id);
      return updateItem(this.core, tx, activityTable, current, body, (input) => {
        const unknown = Object.keys(input).filter((key) => key !== 'comment');
        if (unknown.length > 0)
          throw new InvalidPayloadError('Only the comment of an activity entry can change.', {
            [unknown[0]]: { code: 'validation_unknown_field', message: 'Unknown field.' },
          });
        const { comment } = input;
        if (comment !== null && typeof comment !== 'string')
          throw new InvalidPayloadError('Invalid comment.', {
            comment: { code: 'validation_invalid_string', message: 'Must be a string or null.' },
          });
        return { ...current, comment: comment === '' ? null : (comment ?? null) };
      });
    });
  }

  delete(id: string, ctx: HookContext): Promise<void> {
    return inTransaction(this.core, ctx, async (tx) => {
      await deleteItems(this.core, tx, activityTable, [await findItem(tx.database, activityTable, id)]);
    });
  }

  /** Deletes the entries older than `maxDays` (`activity.delete`); 0 keeps everything. */
  prune(maxDays: number, ctx: HookContext = this.core.context()): Promise<number> {
    return pruneOlderThan(this.core, activityTable, maxDays, ctx);
  }
}

/**
 * Deletes the rows of `table` created more than `maxDays` days ago, a batch at a time, each
 * batch one write per collection the rows are about (so each delete event carries its tag).
 */
export async function pruneOlderThan<T extends SystemItem & { collection: string }>(
  core: Core,
  table: SystemTable<T>,
  maxDays: number,
  ctx: HookContext,
): Promise<number> {
  if (!(maxDays > 0)) return 0;
  // sequential ids grow with time: the ids below this prefix were made before the cutoff
  const cutoff = timePrefix(Date.now() - maxDays * DAY_MS);
  let deleted = 0;
  for (;;) {
    const rows = await core.database.db
      .selectFrom(table.table)
      .selectAll()
      .where('id', '<', cutoff)
      .orderBy('id')
      .limit(PRUNE_BATCH)
      .execute();
    if (rows.length === 0) return deleted;
    const byCollection = new Map<string, T[]>();
    for (const item of rows.map(table.fromRow)) {
      const group = byCollection.get(item.collection) ?? [];
      group.push(item);
      byCollection.set(item.collection, group);
    }
    await inTransaction(core, ctx, async (tx) => {
      for (const items of byCollection.values()) await deleteItems(core, tx, table, items);
    });
    deleted += rows.length;
  }
}
