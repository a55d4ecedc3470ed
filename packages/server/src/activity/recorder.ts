import type { Core } from '../app/core.ts';
import type { Collection } from '../collections/types.ts';
import type { HookContext } from '../context.ts';
import { SECRET_INPUTS } from '../records/secrets.ts';
import type { WantsWrite, WriteRecord, WriteRecorder } from '../writes/recorders.ts';
import { createItem } from '../writes/system-items.ts';
import { type ActivityAction, type ActivityEntry, activityTable, revisionsTable } from './store.ts';

/** Writes to the log itself are not logged again. */
const UNLOGGED = new Set(['activity', 'revisions']);

/** Keys of a decoded record that are not its data. */
const NOT_DATA = new Set<string>(['collectionId', 'collectionName', ...SECRET_INPUTS]);

/**
 * The activity log's in-transaction recorder: one `_activity` row per written item, and for
 * records of collections tracked `all`, one `_revisions` row per create and update, in the
 * write's own transaction, so a rolled-back write leaves no trace. Only writes made by or on
 * behalf of a caller are logged: the system's own (bootstrap, schedules) have no one to account for.
 * Added with `wantsActivity`, which picks those writes.
 */
export function activityRecorder(core: Core): WriteRecorder {
  return async (write, tx) => {
    const collection = write.collection === undefined ? undefined : core.schema.get(write.collection);
    const tracking = collection?.tracking ?? 'all';
    if (tracking === 'none') return;
    for (const item of write.keys) {
      const entry = await logActivity(core, tx, write.action, write.collection ?? write.table, item);
      if (collection && tracking === 'all' && write.action !== 'delete')
        await storeRevision(core, tx, collection, write, entry);
    }
  };
}

/** The writes the activity log records: those with a caller, but for the log's own. */
export const wantsActivity: WantsWrite = (context, tx) => !UNLOGGED.has(context) && hasCaller(tx);

/** Someone acted: a request (a guest's included) or an authenticated record. */
export function hasCaller(tx: HookContext): boolean {
  return tx.request !== undefined || tx.accountability.user !== null;
}

/** Writes one entry through the pipeline (`activity.create`), about `collection`'s `item`. */
export function logActivity(
  core: Core,
  tx: HookContext,
  action: ActivityAction,
  collection: string,
  item: string,
): Promise<ActivityEntry> {
  const { accountability, request } = tx;
  const headers = request?.headers;
  return createItem(core, tx, activityTable, { action, collection, item }, (input, { id, created }) => ({
    id,
    created,
    action: input.action,
    user: accountability.user,
    userCollection: accountability.collection,
    collection: input.collection,
    item: input.item,
    ip: accountability.ip ?? request?.ip ?? '',
    userAgent: headerText(headers?.['user-agent']),
    origin: headerText(headers?.origin),
    comment: null,
  }));
}

function headerText(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(', ') : (value ?? '');
}

/** What a revision keeps of a record: its data, hidden fields never. */
export function revisionData(collection: Collection, record: unknown): Record<string, unknown> {
  const hidden = hiddenFieldsOf(collection);
  const data: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record as Record<string, unknown>))
    if (!NOT_DATA.has(key) && !hidden.has(key)) data[key] = value;
  return data;
}

const hiddenFields = new WeakMap<Collection, ReadonlySet<string>>();

/** The fields a revision never keeps, found once per version of the collection. */
function hiddenFieldsOf(collection: Collection): ReadonlySet<string> {
  let hidden = hiddenFields.get(collection);
  if (!hidden) {
    hidden = new Set(
      collection.fields
        .filter((field) => field.hidden || field.type === 'password')
        .map((field) => field.name),
    );
    hiddenFields.set(collection, hidden);
  }
  return hidden;
}

/** The fields of `after` that differ from `before`; on a create, all of them. */
export function revisionDelta(
  after: Record<string, unknown>,
  before: Record<string, unknown> | undefined,
): Record<string, unknown> {
  if (!before) return after;
  const delta: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(after))
    if (JSON.stringify(value) !== JSON.stringify(before[key])) delta[key] = value;
  return delta;
}

async function storeRevision(
  core: Core,
  tx: HookContext,
  collection: Collection,
  write: WriteRecord,
  entry: ActivityEntry,
): Promise<void> {
  const data = revisionData(collection, write.record);
  const previous = write.previous === undefined ? undefined : revisionData(collection, write.previous);
  const delta = previous ? withoutAutodates(collection, revisionDelta(data, previous)) : data;
  if (Object.keys(delta).length === 0) return;
  await createItem(
    core,
    tx,
    revisionsTable,
    { activity: entry.id, collection: collection.name, item: entry.item, data, delta },
    (input, base) => ({
      id: base.id,
      created: base.created,
      activity: input.activity,
      collection: input.collection,
      item: input.item,
      data: input.data,
      delta: input.delta,
    }),
  );
}

/** An update's delta is what the caller changed: not the dates stamped on every update. */
function withoutAutodates(collection: Collection, delta: Record<string, unknown>): Record<string, unknown> {
  for (const field of collection.fields) if (field.type === 'autodate') delete delta[field.name];
  return delta;
}
