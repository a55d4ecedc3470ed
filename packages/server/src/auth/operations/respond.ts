import type { Core } from '../../app/core.ts';
import type { AuthMeta, AuthResponse } from '../../catalogue/events.ts';
import type { Collection, RecordData } from '../../collections/types.ts';
import type { HookContext } from '../../context.ts';
import { enrichRecord } from '../../records/enrich.ts';
import { filterPayload, recordTags } from '../../records/operations/events.ts';
import { type AuthTokenOptions, signAuthToken } from '../tokens.ts';

/**
 * Every successful authentication answers here: a fresh token, then the `auth.token` filter,
 * then `records.enrich` on the record sent.
 * `responseMeta` is the answer's `meta` (OAuth2); `tokenOptions` shape the token (impersonation).
 */
export async function respondWithToken(
  app: Core,
  collection: Collection,
  row: Record<string, unknown>,
  record: RecordData,
  meta: Omit<AuthMeta, 'event'>,
  ctx: HookContext,
  responseMeta?: Record<string, unknown>,
  tokenOptions?: AuthTokenOptions,
): Promise<AuthResponse> {
  const token = await signAuthToken(
    app.secret(),
    collection,
    { id: record.id, tokenKey: row.tokenKey },
    tokenOptions,
  );
  const response = await filterPayload(
    app,
    'auth.token',
    responseMeta ? { token, record, meta: responseMeta } : { token, record },
    { ...meta, event: 'auth.token' },
    ctx,
    recordTags(collection),
  );
  const enriched = await enrichRecord(app, collection, response.record, 'auth', ctx);
  return enriched === response.record ? response : { ...response, record: enriched };
}
