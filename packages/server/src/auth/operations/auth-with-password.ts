import { ForbiddenError, InvalidPayloadError } from '@sluice/hooks';
import { sql } from 'kysely';
import type { App } from '../../app/types.ts';
import type { AuthResponse } from '../../catalogue/events.ts';
import type { Collection } from '../../collections/types.ts';
import type { HookContext } from '../../context.ts';
import { decodeRecord } from '../../records/encoding.ts';
import { emitAction, filterPayload, recordTags } from '../../records/operations/events.ts';
import { unmatchableHash, verifyPassword } from '../../records/password.ts';
import { respondWithToken } from './respond.ts';

const failure = () => new InvalidPayloadError('Failed to authenticate.');

/**
 * `auth-with-password`: `auth.login` filter on the credentials → lookup by the collection's
 * identity fields → password check (a miss emits `auth.fail`) → `auth.token` filter on the
 * answer → `auth.login` action. An unknown identity gets the answer of a wrong password, after
 * a password check of the same cost.
 */
export async function authWithPassword(
  app: App,
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
  const credentials = await filterPayload(
    app,
    'auth.login',
    { identity: String(body.identity), password: String(body.password) },
    meta,
    ctx,
    tags,
  );
  const row = await findByIdentity(app, collection, credentials.identity, body.identityField);
  const stored = row ? String(row.password) : await unmatchableHash();
  const matches = await verifyPassword(credentials.password, stored);
  if (!row || !matches) {
    emitAction(app, 'auth.fail', { ...meta, status: 'fail', error: 'invalid credentials' }, ctx, tags);
    throw failure();
  }
  const record = decodeRecord(collection, row, { showEmail: true });
  const response = await respondWithToken(app, collection, row, record, meta, ctx);
  emitAction(app, 'auth.login', { ...meta, status: 'success', user: record }, ctx, tags);
  return response;
}

async function findByIdentity(
  app: App,
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
