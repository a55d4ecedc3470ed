import type { Kysely } from 'kysely';
import type { Core } from '../app/core.ts';
import type { ExternalAuth } from '../catalogue/events.ts';
import type { Collection } from '../collections/types.ts';
import type { HookContext } from '../context.ts';
import { createRecord } from '../records/operations/create.ts';
import type { RecordRow } from '../records/store.ts';
import { asSystem, systemCollection } from './system-collections.ts';

// The links between auth records and provider accounts: records of `_externalAuths`.

const TABLE = '_externalAuths';

export function toExternalAuth(row: RecordRow): ExternalAuth {
  return {
    id: String(row.id),
    collectionRef: String(row.collectionRef),
    recordRef: String(row.recordRef),
    provider: String(row.provider),
    providerId: String(row.providerId),
    created: String(row.created),
    updated: String(row.updated),
  };
}

/** The link of a provider account in this collection, if any. */
export async function findLink(
  executor: Kysely<any>,
  collection: Collection,
  provider: string,
  providerId: string,
): Promise<ExternalAuth | undefined> {
  const row = await executor
    .selectFrom(TABLE)
    .selectAll()
    .where('collectionRef', '=', collection.id)
    .where('provider', '=', provider)
    .where('providerId', '=', providerId)
    .executeTakeFirst();
  return row ? toExternalAuth(row) : undefined;
}

/** Every link of one auth record, oldest first. */
export async function linksOf(
  executor: Kysely<any>,
  collection: Collection,
  recordId: string,
): Promise<ExternalAuth[]> {
  const rows = await executor
    .selectFrom(TABLE)
    .selectAll()
    .where('collectionRef', '=', collection.id)
    .where('recordRef', '=', recordId)
    .orderBy('created')
    .execute();
  return rows.map(toExternalAuth);
}

/** Links a provider account to a record, through the records create operation (its hooks run). */
export async function link(
  app: Core,
  collection: Collection,
  recordId: string,
  provider: string,
  providerId: string,
  tx: HookContext,
): Promise<void> {
  await createRecord(
    app,
    systemCollection(app, TABLE),
    { collectionRef: collection.id, recordRef: recordId, provider, providerId },
    asSystem(tx),
  );
}
