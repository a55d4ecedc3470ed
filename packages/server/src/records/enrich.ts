import { isStopped, OperationSkipped, type Point } from '@sluice/hooks';
import type { Core } from '../app/core.ts';
import type { RecordEnrichMeta } from '../catalogue/events.ts';
import type { Collection, RecordData } from '../collections/types.ts';
import type { HookContext } from '../context.ts';
import { andThen, type MaybePromise } from '../maybe-async.ts';
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
export function enrichRecords(
  app: Core,
  collection: Collection,
  records: RecordData[],
  via: RecordEnrichMeta['via'],
  ctx: HookContext,
): MaybePromise<RecordData[]> {
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
  // synchronous while the handlers are; from the first promise on, one record after another
  for (let index = 0; index < records.length; index++) {
    let outcome: unknown;
    try {
      outcome = point.filter(records[index], meta, ctx, tags);
    } catch (error) {
      outcome = skipped(error, records[index]);
    }
    if (outcome instanceof Promise)
      return enrichRest(point, records, index, outcome, enriched, meta, ctx, tags);
    enriched.push(settled(outcome));
  }
  return enriched;
}

async function enrichRest(
  point: Point,
  records: RecordData[],
  from: number,
  pending: Promise<unknown>,
  enriched: RecordData[],
  meta: RecordEnrichMeta,
  ctx: HookContext,
  tags: readonly string[],
): Promise<RecordData[]> {
  enriched.push(settled(await pending.catch((error: unknown) => skipped(error, records[from]))));
  for (let index = from + 1; index < records.length; index++) {
    try {
      enriched.push(settled(await point.filter(records[index], meta, ctx, tags)));
    } catch (error) {
      enriched.push(skipped(error, records[index]!));
    }
  }
  return enriched;
}

/** A stop sends the record as the handlers before it left it. */
function settled(outcome: unknown): RecordData {
  return (isStopped(outcome) ? outcome.payload : outcome) as RecordData;
}

/** An around handler that did not call `next()` sends the record as it was; other errors fail the read. */
function skipped(error: unknown, record: RecordData | undefined): RecordData {
  if (!(error instanceof OperationSkipped)) throw error;
  return record!;
}

export function enrichRecord(
  app: Core,
  collection: Collection,
  record: RecordData,
  via: RecordEnrichMeta['via'],
  ctx: HookContext,
): MaybePromise<RecordData> {
  return andThen(enrichRecords(app, collection, [record], via, ctx), ([enriched]) => enriched ?? record);
}
