import { ServiceUnavailableError } from '@sluice/hooks';
import type { Core } from '../app/core.ts';
import type { Collection } from '../collections/types.ts';
import { type HookContext, system } from '../context.ts';
import { parseDate } from '../records/dates.ts';
import { deleteRecord } from '../records/operations/delete.ts';
import type { RecordRow } from '../records/store.ts';

/** The system collections of the auth methods (PocketBase's names). */
export type AuthSystemCollection = '_externalAuths' | '_otps' | '_mfas';

export function systemCollection(app: Core, name: AuthSystemCollection): Collection {
  const collection = app.schema.get(name);
  if (!collection) throw new ServiceUnavailableError(`The "${name}" collection is missing.`);
  return collection;
}

/** The same operation, acting as the system: its writes pass the collections' rules. */
export function asSystem(ctx: HookContext): HookContext {
  return { ...ctx, accountability: system };
}

/** Whether a row of `_otps` or `_mfas` was created less than `seconds` ago. */
export function isFresh(row: RecordRow, seconds: number): boolean {
  const created = parseDate(row.created)?.getTime();
  return created !== undefined && created + seconds * 1000 > Date.now();
}

/**
 * Removes a record's expired one-time passwords or MFA sessions (through the records delete
 * operation), so that each record keeps only the ones still usable.
 */
export async function deleteExpired(
  app: Core,
  name: '_otps' | '_mfas',
  owner: Collection,
  recordId: string,
  seconds: number,
  ctx: HookContext,
): Promise<void> {
  const collection = systemCollection(app, name);
  const rows = await app.database.reader
    .selectFrom(name)
    .select(['id', 'created'])
    .where('collectionRef', '=', owner.id)
    .where('recordRef', '=', recordId)
    .execute();
  for (const row of rows) {
    if (!isFresh(row, seconds)) await deleteRecord(app, collection, String(row.id), asSystem(ctx));
  }
}
