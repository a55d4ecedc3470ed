import { ForbiddenError, InvalidPayloadError, NotFoundError } from '@sluice/hooks';
import type { Core } from '../../app/core.ts';
import type { AuthResponse } from '../../catalogue/events.ts';
import type { Collection } from '../../collections/types.ts';
import type { HookContext } from '../../context.ts';
import { findRecordById } from '../../records/store.ts';
import { assertAuthCollection, flowRecord } from './flows.ts';
import { respondWithToken } from './respond.ts';

/**
 * `impersonate/{id} {duration?}`: a superuser gets a token of another auth record, valid for
 * `duration` seconds (0 or none: the collection's auth token duration) and not refreshable.
 */
export async function impersonate(
  app: Core,
  collection: Collection,
  id: string,
  body: Record<string, unknown>,
  ctx: HookContext,
): Promise<AuthResponse> {
  assertAuthCollection(collection);
  if (!ctx.accountability.admin || ctx.accountability.user === null)
    throw new ForbiddenError('Only superusers can impersonate.');
  const duration = body.duration ?? 0;
  if (typeof duration !== 'number' || !Number.isSafeInteger(duration) || duration < 0) {
    throw new InvalidPayloadError('Failed to impersonate.', {
      duration: {
        code: 'validation_invalid_number',
        message: 'Must be a whole number of seconds, at least 0.',
      },
    });
  }
  const row = await findRecordById(app.database.reader, collection, id);
  if (!row) throw new NotFoundError('The requested resource wasn’t found.');
  return respondWithToken(
    app,
    collection,
    row,
    flowRecord(collection, row),
    { collection: collection.name, collectionId: collection.id, provider: 'impersonate' },
    ctx,
    undefined,
    { duration, refreshable: false },
  );
}
