import { OperationSkipped } from '@sluice/hooks';
import type { Core } from '../../app/core.ts';
import type { RecordFailMeta } from '../../catalogue/events.ts';
import type { Collection, RecordData } from '../../collections/types.ts';
import type { HookContext } from '../../context.ts';
import { filterPayload, recordTags } from './events.ts';

/**
 * The `records.validate` filter (PocketBase's `onRecordValidate`): on the data of a create or
 * an update, just before it is validated. On an update, `record` is the record as it is.
 */
export function validateFilter(
  app: Core,
  collection: Collection,
  data: Record<string, unknown>,
  ctx: HookContext,
  record?: RecordData,
): Record<string, unknown> | Promise<Record<string, unknown>> {
  const meta = {
    event: 'records.validate',
    collection: collection.name,
    collectionId: collection.id,
    action: record ? ('update' as const) : ('create' as const),
    ...(record && { record }),
  };
  return filterPayload(app, 'records.validate', data, meta, ctx, recordTags(collection));
}

/**
 * Follows one record write for `records.<action>.fail` (PocketBase's `onRecordAfter…Error`):
 * once its `records.<action>` filters have passed (`reached`), a failure of the rest of the write
 * or of its commit is reported, after the rollback, with the data of the write. A failure before
 * (a refusal of those filters, a rule) and an operation a hook skipped report nothing.
 */
export function writeFailures(
  app: Core,
  collection: Collection,
  action: 'create' | 'update' | 'delete',
  ctx: HookContext,
) {
  let written: Record<string, unknown> | undefined;
  const report = (error: unknown): void => {
    if (!written || !ctx.emitEvents || error instanceof OperationSkipped) return;
    const name = `records.${action}.fail` as const;
    const point = app.hooks.event(name);
    if (!point.listens('action')) return;
    const meta: RecordFailMeta = {
      event: name,
      collection: collection.name,
      collectionId: collection.id,
      action,
      record: written,
      error,
    };
    // the transaction is over: the action runs now, with the database outside it
    point.action(meta, { ...ctx, scope: undefined, database: app.database.db }, recordTags(collection));
  };
  return {
    reached(record: Record<string, unknown>): void {
      written = record;
    },
    /** For the write's `.catch`: reports its failure, then passes it on. */
    rethrow(error: unknown): never {
      report(error);
      throw error;
    },
  };
}
