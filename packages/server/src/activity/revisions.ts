import { InvalidPayloadError, NotFoundError } from '@sluice/hooks';
import { sql } from 'kysely';
import type { Core } from '../app/core.ts';
import { inTransaction } from '../app/transaction.ts';
import type { RecordData } from '../collections/types.ts';
import type { HookContext } from '../context.ts';
import { updateRecord } from '../records/operations/update.ts';
import type { ListQuery } from '../records/query.ts';
import { findItem, updateItem } from '../writes/system-items.ts';
import { listItems } from '../writes/system-list.ts';
import { NEWEST_FIRST, pruneOlderThan } from './service.ts';
import { REVISIONS, type Revision, revisionsShape, revisionsTable } from './store.ts';

/** `/api/revisions`: the data of records after each change, to compare, restore or redact. */
export class RevisionsService {
  constructor(private readonly core: Core) {}

  /** A page of revisions, of one record when `item` is given (of `collection`). */
  list(
    query: Pick<ListQuery, 'page' | 'perPage' | 'filter' | 'sort'>,
    of?: { collection: string; item: string },
  ) {
    const where = of
      ? sql<boolean>`${sql.ref(`${REVISIONS}.collection`)} = ${of.collection} AND ${sql.ref(`${REVISIONS}.item`)} = ${of.item}`
      : undefined;
    return listItems(
      this.core.database.reader,
      this.core.database.dialect,
      revisionsShape,
      query,
      revisionsTable.fromRow,
      where,
      NEWEST_FIRST,
    );
  }

  view(id: string): Promise<Revision> {
    return findItem(this.core.database.reader, revisionsTable, id);
  }

  /**
   * Restores the record to the revision's data: an ordinary update with the caller's rights, so
   * API rules, permissions and hooks apply, and the change gets its own activity and revision.
   */
  async revert(id: string, ctx: HookContext): Promise<RecordData> {
    const revision = await this.view(id);
    const collection = this.core.schema.get(revision.collection);
    if (!collection) throw new NotFoundError(`Missing collection "${revision.collection}".`);
    const writable = new Set(
      collection.fields
        .filter((field) => !field.primaryKey && field.type !== 'autodate' && field.type !== 'password')
        .map((field) => field.name),
    );
    const data = Object.fromEntries(Object.entries(revision.data).filter(([key]) => writable.has(key)));
    if (Object.keys(data).length === 0)
      throw new InvalidPayloadError("The revision doesn't contain data to revert to.");
    return updateRecord(this.core, collection, revision.item, data, ctx);
  }

  /**
   * `{redact: [fields]}`: removes those fields from this revision and from every other revision
   * of the same record (`revisions.update` for each one changed), so that no trace is left.
   */
  async redact(id: string, body: Record<string, unknown>, ctx: HookContext): Promise<Revision> {
    const fields = body.redact;
    if (!Array.isArray(fields) || fields.length === 0 || !fields.every((field) => typeof field === 'string'))
      throw new InvalidPayloadError('Invalid redact.', {
        redact: { code: 'validation_invalid_value', message: 'Must be a non-empty list of field names.' },
      });
    const names = new Set<string>(fields as string[]);
    return inTransaction(this.core, ctx, async (tx) => {
      const target = await findItem(tx.database, revisionsTable, id);
      const history = (
        await tx.database
          .selectFrom(REVISIONS)
          .selectAll()
          .where('collection', '=', target.collection)
          .where('item', '=', target.item)
          .execute()
      ).map(revisionsTable.fromRow);
      let result = target;
      for (const revision of history) {
        if (![...names].some((name) => name in revision.data || name in revision.delta)) continue;
        const updated = await updateItem(
          this.core,
          tx,
          revisionsTable,
          revision,
          { redact: [...names] },
          (input) => ({
            ...revision,
            data: without(revision.data, input.redact),
            delta: without(revision.delta, input.redact),
          }),
        );
        if (updated.id === id) result = updated;
      }
      return result;
    });
  }

  /** Deletes revisions older than `maxDays` (`revisions.delete`); 0 keeps everything. */
  prune(maxDays: number, ctx: HookContext = this.core.context()): Promise<number> {
    return pruneOlderThan(this.core, revisionsTable, maxDays, ctx);
  }
}

function without(data: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([key]) => !names.includes(key)));
}
