import type { Core } from '../../app/core.ts';
import type { AuthMeta, AuthResponse } from '../../catalogue/events.ts';
import type { Collection, RecordData } from '../../collections/types.ts';
import type { HookContext } from '../../context.ts';
import { filterPayload, recordTags } from '../../records/operations/events.ts';
import { signAuthToken } from '../tokens.ts';

/** Every successful authentication answers here: a fresh token, then the `auth.token` filter. */
export async function respondWithToken(
  app: Core,
  collection: Collection,
  row: Record<string, unknown>,
  record: RecordData,
  meta: Omit<AuthMeta, 'event'>,
  ctx: HookContext,
): Promise<AuthResponse> {
  const token = await signAuthToken(app.secret(), collection, { id: record.id, tokenKey: row.tokenKey });
  return filterPayload(
    app,
    'auth.token',
    { token, record },
    { ...meta, event: 'auth.token' },
    ctx,
    recordTags(collection),
  );
}
