import { isStopped, OperationSkipped } from '@sluice/hooks';
import type { Core } from '../app/core.ts';
import type { RecordEnrichMeta } from '../catalogue/events.ts';
import type { Collection, RecordData } from '../collections/types.ts';
import type { HookContext } from '../context.ts';
import { recordTags } from './operations/events.ts';

/** Whether a `records.enrich` handler listens: reads then select their fields after it ran. */
export function enriching(app: Core): boolean {
  return app.hooks.event('records.enrich').listens('filter');
}

/**
 * The `records.enrich` filter on each record about to be sent to a client (PocketBase's
 * `onRecordEnrich`): it may add, change or remove fields of what this client gets. A stop, or
 * an around handler that does not call `next()`, sends the record as it was. Costs nothing
 * while no handler listens.
 */
export async function enrichRecords(
  app: Core,
  collection: Collection,
  records: RecordData[],
  via: RecordEnrichMeta['via'],
  ctx: HookContext,
): Promise<RecordData[]> {
  const point = app.hooks.event('records.enrich');
  if (!ctx.emitEvents || records.length === 0 || !point.listens('filter')) return records;
  const meta: RecordEnrichMeta = {
    event: 'records.enrich',
    collection: collection.name,
    collectionId: collection.id,
    via,
    auth: ctx.accountability.record ?? null,
  };
  const tags = recordTags(collection);
  const enriched: RecordData[] = [];
  for (const record of records) {
    try {
      const outcome = await point.filter(record, meta, ctx, tags);
      enriched.push(isStopped(outcome) ? outcome.payload : outcome);
    } catch (error) {
      if (!(error instanceof OperationSkipped)) throw error;
      enriched.push(record);
    }
  }
  return enriched;
}

export async function enrichRecord(
  app: Core,
  collection: Collection,
  record: RecordData,
  via: RecordEnrichMeta['via'],
  ctx: HookContext,
): Promise<RecordData> {
  const [enriched] = await enrichRecords(app, collection, [record], via, ctx);
  return enriched ?? record;
}
