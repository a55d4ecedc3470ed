import { ForbiddenError, InvalidPayloadError } from '@sluice/hooks';
import { sql } from 'kysely';
import type { Core } from '../../app/core.ts';
import type { AuthResponse, LoginPayload } from '../../catalogue/events.ts';
import type { Collection } from '../../collections/types.ts';
import type { HookContext } from '../../context.ts';
import { decodeRecord } from '../../records/encoding.ts';
import { emitAction, filterPayload, recordTags } from '../../records/operations/events.ts';
import { unmatchableHash, verifyPassword } from '../../records/password.ts';
import { findRecordById } from '../../records/store.ts';
import { checkMFA } from '../mfa.ts';
import { rememberLoginPassword } from './login-password.ts';
import { respondWithToken } from './respond.ts';

const failure = () => new InvalidPayloadError('Failed to authenticate.');

/**
 * `auth-with-password`: lookup by the collection's identity fields → `auth.login` filter on the
 * credentials and the record found (PocketBase's before hook: it may change the identity, or
 * pick another record) → password check against that record (a miss emits `auth.fail`) →
 * MFA (a first method only: 401 `{mfaId}`) → `auth.token` filter on the answer → `auth.login`
 * action, whose payload is the identity alone.
 * An unknown identity gets the answer of a wrong password, after a password check of the same
 * cost.
 */
export async function authWithPassword(
  app: Core,
  collection: Collection,
  body: Record<string, unknown>,
  ctx: HookContext,
): Promise<AuthResponse> {
  if (collection.type !== 'auth')
    throw new InvalidPayloadError(`"${collection.name}" is not an auth collection.`);
  if (!collection.passwordAuth?.enabled) throw new ForbiddenError('Password authentication is not enabled.');
  const problems: Record<string, { code: string; message: string }> = {};
  for (const key of ['identity', 'password'] as const) {
    if (typeof body[key] !== 'string' || body[key] === '') {
      problems[key] = { code: 'validation_required', message: 'Cannot be blank.' };
    }
  }
  if (Object.keys(problems).length > 0) throw new InvalidPayloadError('Failed to authenticate.', problems);

  const tags = recordTags(collection);
  const meta = {
    event: 'auth.login',
    collection: collection.name,
    collectionId: collection.id,
    provider: 'password' as const,
  };
  const identity = String(body.identity);
  const found = await findByIdentity(app, collection, identity, body.identityField);
  const foundRecord = found ? decodeRecord(collection, found, { isAdmin: true }) : null;
  const credentials = await filterPayload(
    app,
    'auth.login',
    { identity, password: String(body.password), record: foundRecord },
    meta,
    ctx,
    tags,
  );
  rememberLoginPassword(ctx.state, credentials.password);
  const row = await chosenRow(app, collection, credentials, identity, found, body.identityField);
  const stored = row ? String(row.password) : await unmatchableHash();
  const matches = await verifyPassword(credentials.password, stored);
  if (!row || !matches) {
    emitAction(
      app,
      'auth.fail',
      {
        ...meta,
        event: 'auth.fail',
        status: 'fail',
        error: 'invalid credentials',
        payload: { identity: credentials.identity },
      },
      ctx,
      tags,
    );
    throw failure();
  }
  await checkMFA(app, collection, row, 'password', body.mfaId, ctx);
  const record = decodeRecord(collection, row, { showEmail: true });
  const response = await respondWithToken(app, collection, row, record, meta, ctx);
  emitAction(
    app,
    'auth.login',
    { ...meta, status: 'success', user: record, payload: { identity: credentials.identity } },
    ctx,
    tags,
  );
  return response;
}

/**
 * The record the login is for: the one a filter put in the payload (PocketBase's reassigned
 * `e.record`), else the one its identity names — looked up again when a filter changed it.
 */
async function chosenRow(
  app: Core,
  collection: Collection,
  credentials: LoginPayload,
  identity: string,
  found: Record<string, unknown> | undefined,
  identityField: unknown,
): Promise<Record<string, unknown> | undefined> {
  const picked = credentials.record;
  if (picked && typeof picked.id === 'string' && picked.id !== found?.id) {
    return findRecordById(app.database.reader, collection, picked.id, true);
  }
  if (credentials.identity !== identity) {
    return findByIdentity(app, collection, credentials.identity, identityField);
  }
  return found;
}

async function findByIdentity(
  app: Core,
  collection: Collection,
  identity: string,
  requestedField: unknown,
): Promise<Record<string, unknown> | undefined> {
  const allowed = collection.passwordAuth?.identityFields ?? ['email'];
  const fields = typeof requestedField === 'string' && requestedField ? [requestedField] : allowed;
  for (const field of fields) {
    if (!allowed.includes(field)) throw new InvalidPayloadError(`"${field}" is not an identity field.`);
    const column = sql.ref(field);
    const row = await app.database.reader
      .selectFrom(collection.name)
      .selectAll()
      .where(
        field === 'email'
          ? sql<boolean>`lower(${column}) = ${identity.toLowerCase()}`
          : sql<boolean>`${column} = ${identity}`,
      )
      .executeTakeFirst();
    if (row) return row;
  }
  return undefined;
}
