import { type ErrorDetails, InvalidPayloadError } from '@sluice/hooks';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Core } from '../../app/core.ts';
import type { AuthFlowMeta } from '../../catalogue/events.ts';
import type { Collection, RecordData } from '../../collections/types.ts';
import { decodeRecord } from '../../records/encoding.ts';
import { findRecordById, type RecordRow } from '../../records/store.ts';
import {
  peekRecordToken,
  type RecordTokenClaims,
  type RecordTokenType,
  verifyRecordToken,
} from '../tokens.ts';

// What the email flows (password reset, verification, email change) share.

export function assertAuthCollection(collection: Collection): void {
  if (collection.type !== 'auth')
    throw new InvalidPayloadError(`"${collection.name}" is not an auth collection.`);
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The non-blank string fields of a body; the rest is a 400 naming each one. */
export function requireFields<const K extends string>(
  body: Record<string, unknown>,
  keys: readonly K[],
  emails: readonly K[] = [],
): Record<K, string> {
  const problems: ErrorDetails = {};
  const values = {} as Record<K, string>;
  for (const key of keys) {
    const value = body[key];
    if (typeof value !== 'string' || value.trim() === '') {
      problems[key] = { code: 'validation_required', message: 'Cannot be blank.' };
    } else if (emails.includes(key) && (value.length > 255 || !EMAIL.test(value.trim()))) {
      problems[key] = { code: 'validation_is_email', message: 'Must be a valid email address.' };
    } else values[key] = emails.includes(key) ? value.trim() : value;
  }
  if (Object.keys(problems).length > 0)
    throw new InvalidPayloadError('Something went wrong while processing your request.', problems);
  return values;
}

/** The auth record with that address, whatever its case. */
export async function findByEmail(
  executor: Kysely<any>,
  collection: Collection,
  email: string,
): Promise<RecordRow | undefined> {
  return executor
    .selectFrom(collection.name)
    .selectAll()
    .where(sql<string>`lower(${sql.ref('email')})`, '=', email.toLowerCase())
    .executeTakeFirst();
}

/** The record as hooks and templates see it: every public field, the email included. */
export function flowRecord(collection: Collection, row: RecordRow): RecordData {
  return decodeRecord(collection, row, { showEmail: true });
}

export function flowMeta(event: string, collection: Collection, record: RecordData | null): AuthFlowMeta {
  return { event, collection: collection.name, collectionId: collection.id, record };
}

const invalidToken = () =>
  new InvalidPayloadError('Invalid or expired token.', {
    token: { code: 'validation_invalid_token', message: 'Invalid or expired token.' },
  });

/**
 * The record a one-purpose token stands for, read (and on PostgreSQL locked) with `executor`.
 * The signature needs the record's current tokenKey, and the token's address must still be the
 * record's: a password or email change voids the tokens issued before it.
 */
export async function recordOfToken(
  app: Core,
  executor: Kysely<any>,
  collection: Collection,
  token: unknown,
  type: RecordTokenType,
): Promise<{ row: RecordRow; claims: RecordTokenClaims }> {
  const unverified = peekRecordToken(token, type, collection);
  const row = await findRecordById(executor, collection, unverified.id, executor.isTransaction);
  if (!row) throw invalidToken();
  const claims = await verifyRecordToken(app.secret(), token as string, type, String(row.tokenKey));
  if (claims.id !== row.id || String(row.email).toLowerCase() !== claims.email.toLowerCase()) {
    throw invalidToken();
  }
  return { row, claims };
}
