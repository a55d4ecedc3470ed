import type { SchemaCache } from '../collections/store.ts';
import { type Accountability, guest } from '../context.ts';
import type { Database } from '../db/types.ts';
import { decodeRecord } from '../records/encoding.ts';
import { findRecordById } from '../records/store.ts';
import { fileTokenValid, peekAuthClaims, peekFileClaims, verifyAuthToken } from './tokens.ts';

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
  return accountabilityOf(peekAuthClaims(token), database, schema, (tokenKey) =>
    verifyAuthToken(secret, token, tokenKey).then(
      () => true,
      () => false,
    ),
  );
}

/** Who a file token (the `?token=` of a protected file) stands for; a guest when it is not valid. */
export function accountabilityFromFileToken(
  token: string,
  secret: string,
  database: Database,
  schema: SchemaCache,
): Promise<Accountability> {
  return accountabilityOf(peekFileClaims(token), database, schema, (tokenKey) =>
    fileTokenValid(secret, token, tokenKey),
  );
}

async function accountabilityOf(
  claims: { id: string; collectionId: string } | undefined,
  database: Database,
  schema: SchemaCache,
  verify: (tokenKey: string) => Promise<boolean>,
): Promise<Accountability> {
  if (!claims) return guest;
  const collection = schema.get(claims.collectionId);
  if (collection?.type !== 'auth') return guest;
  const row = await findRecordById(database.reader, collection, claims.id);
  if (!row || !(await verify(String(row.tokenKey)))) return guest;
  const record = decodeRecord(collection, row, { isAdmin: true });
  return {
    user: claims.id,
    collection: collection.name,
    admin: collection.name === SUPERUSERS,
    record,
  };
}
