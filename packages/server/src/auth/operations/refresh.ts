import { ForbiddenError, UnauthorizedError } from '@sluice/hooks';
import type { Core } from '../../app/core.ts';
import type { AuthResponse } from '../../catalogue/events.ts';
import type { Collection } from '../../collections/types.ts';
import type { HookContext } from '../../context.ts';
import { emitAction, filterPayload, recordTags } from '../../records/operations/events.ts';
import { findRecordById } from '../../records/store.ts';
import { peekAuthClaims } from '../tokens.ts';
import { respondWithToken } from './respond.ts';

/** `auth-refresh`: a valid token of this collection gets a new one (`auth.refresh` filter and action). */
export async function refreshAuth(
  app: Core,
  collection: Collection,
  ctx: HookContext,
): Promise<AuthResponse> {
  const { accountability } = ctx;
  if (!accountability.record || accountability.user === null) {
    throw new UnauthorizedError('The request requires a valid record authorization token.');
  }
  if (accountability.collection !== collection.name) {
    throw new ForbiddenError('The token does not belong to this collection.');
  }
  const header = ctx.request?.headers.authorization ?? '';
  if (peekAuthClaims(header.replace(/^Bearer /, '').trim())?.refreshable === false) {
    throw new ForbiddenError('The token is not refreshable.');
  }
  const tags = recordTags(collection);
  const meta = {
    event: 'auth.refresh',
    collection: collection.name,
    collectionId: collection.id,
    provider: 'refresh' as const,
  };
  const record = await filterPayload(app, 'auth.refresh', accountability.record, meta, ctx, tags);
  const row = await findRecordById(app.database.reader, collection, accountability.user);
  if (!row) throw new UnauthorizedError('The record no longer exists.');
  const response = await respondWithToken(app, collection, row, record, meta, ctx);
  emitAction(app, 'auth.refresh', { ...meta, status: 'success', user: record }, ctx, tags);
  return response;
}
