import type { SchemaCache } from '../collections/store.ts';
import { type Accountability, guest } from '../context.ts';
import type { Database } from '../db/types.ts';
import { decodeRecord } from '../records/encoding.ts';
import { findRecordById } from '../records/store.ts';
import { peekAuthClaims, verifyAuthToken } from './tokens.ts';

export const SUPERUSERS = '_superusers';

/**
 * Who a request's `Authorization` header (`<token>` or `Bearer <token>`) stands for. A missing,
 * malformed, expired or revoked token makes a guest, as in PocketBase: rules then decide.
 */
export async function accountabilityFromHeader(
  header: string | undefined,
  secret: string,
  database: Database,
  schema: SchemaCache,
): Promise<Accountability> {
  if (!header) return guest;
  const token = header.startsWith('Bearer ') ? header.slice(7).trim() : header.trim();
  const claims = peekAuthClaims(token);
  if (!claims) return guest;
  const collection = schema.get(claims.collectionId);
  if (collection?.type !== 'auth') return guest;
  const row = await findRecordById(database.reader, collection, claims.id);
  if (!row) return guest;
  try {
    await verifyAuthToken(secret, token, String(row.tokenKey));
  } catch {
    return guest;
  }
  const record = decodeRecord(collection, row, { isAdmin: true });
  return {
    user: claims.id,
    collection: collection.name,
    admin: collection.name === SUPERUSERS,
    record,
  };
}
