import { ForbiddenError, NotFoundError, UnauthorizedError } from '@sluice/hooks';
import type { Core } from '../../app/core.ts';
import { inTransaction } from '../../app/transaction.ts';
import type { ExternalAuth } from '../../catalogue/events.ts';
import type { Collection } from '../../collections/types.ts';
import type { HookContext } from '../../context.ts';
import { deleteRecord } from '../../records/operations/delete.ts';
import { emitAction, filterOutcome, filterPayload, recordTags } from '../../records/operations/events.ts';
import { findRecordById, type RecordRow } from '../../records/store.ts';
import { linksOf } from '../external-auths.ts';
import { asSystem, systemCollection } from '../system-collections.ts';
import { assertAuthCollection, flowMeta, flowRecord } from './flows.ts';

/** The record whose links are asked for: only its owner and superusers may see or change them. */
async function ownedRecord(
  app: Core,
  collection: Collection,
  id: string,
  ctx: HookContext,
): Promise<RecordRow> {
  assertAuthCollection(collection);
  const { accountability } = ctx;
  if (!accountability.admin) {
    if (accountability.user === null)
      throw new UnauthorizedError('The request requires valid record authorization.');
    if (accountability.collection !== collection.name || accountability.user !== id)
      throw new ForbiddenError('Only the record itself or a superuser may do this.');
  }
  const row = await findRecordById(app.database.reader, collection, id);
  if (!row) throw new NotFoundError('The requested resource wasn’t found.');
  return row;
}

/** `GET …/records/{id}/external-auths`: the record's links, through the `auth.external_auths.list` filter. */
export async function listExternalAuths(
  app: Core,
  collection: Collection,
  id: string,
  ctx: HookContext,
): Promise<ExternalAuth[]> {
  const row = await ownedRecord(app, collection, id, ctx);
  const links = await linksOf(app.database.reader, collection, id);
  const meta = flowMeta('auth.external_auths.list', collection, flowRecord(collection, row));
  return filterPayload(app, 'auth.external_auths.list', links, meta, ctx, recordTags(collection));
}

/**
 * `DELETE …/records/{id}/external-auths/{provider}`: the `auth.external_auths.unlink` filter
 * (returning `false` keeps the link), the delete through the records operation, then the action.
 */
export async function unlinkExternalAuth(
  app: Core,
  collection: Collection,
  id: string,
  provider: string,
  ctx: HookContext,
): Promise<void> {
  const row = await ownedRecord(app, collection, id, ctx);
  const tags = recordTags(collection);
  const record = flowRecord(collection, row);
  await inTransaction(app, ctx, async (tx) => {
    const externalAuth = (await linksOf(tx.database, collection, id)).find(
      (link) => link.provider === provider,
    );
    if (!externalAuth) throw new NotFoundError('The requested resource wasn’t found.');
    const event = 'auth.external_auths.unlink';
    const { stopped } = await filterOutcome(
      app,
      event,
      externalAuth,
      flowMeta(event, collection, record),
      tx,
      tags,
    );
    if (stopped) return;
    await deleteRecord(app, systemCollection(app, '_externalAuths'), externalAuth.id, asSystem(tx));
    emitAction(app, event, { ...flowMeta(event, collection, record), externalAuth }, tx, tags);
  });
}
