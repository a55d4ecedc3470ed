import { randomBytes } from 'node:crypto';
import { ForbiddenError, InvalidPayloadError } from '@sluice/hooks';
import type { Core } from '../../app/core.ts';
import { inTransaction } from '../../app/transaction.ts';
import type { AuthResponse, OAuth2Meta, OAuth2Payload } from '../../catalogue/events.ts';
import type { Collection, OAuth2ProviderConfig } from '../../collections/types.ts';
import type { HookContext } from '../../context.ts';
import { isJsonObject } from '../../json.ts';
import { decodeRecord } from '../../records/encoding.ts';
import { createRecord } from '../../records/operations/create.ts';
import { deleteRecord } from '../../records/operations/delete.ts';
import { emitAction, filterPayload, recordTags } from '../../records/operations/events.ts';
import { updateRecord } from '../../records/operations/update.ts';
import { findRecordById, type RecordRow } from '../../records/store.ts';
import { findLink, link, linksOf } from '../external-auths.ts';
import { checkMFA, MFARequiredError } from '../mfa.ts';
import { fetchAvatar } from '../oauth2/avatar.ts';
import { exchangeCode, OAuth2ExchangeError, type OAuth2Result, resolveProvider } from '../oauth2/client.ts';
import type { OAuth2User } from '../oauth2/providers.ts';
import { asSystem, systemCollection } from '../system-collections.ts';
import { assertAuthCollection, findByEmail } from './flows.ts';
import { respondWithToken } from './respond.ts';

interface OAuth2Request {
  config: OAuth2ProviderConfig;
  code: string;
  codeVerifier: string;
  redirectURL: string;
  createData: Record<string, unknown>;
}

function readRequest(collection: Collection, body: Record<string, unknown>): OAuth2Request {
  const problems: Record<string, { code: string; message: string }> = {};
  const text = (key: string) => (typeof body[key] === 'string' ? (body[key] as string) : '');
  const name = text('provider');
  const config = collection.oauth2?.providers.find((provider) => provider.name === name);
  if (name === '') problems.provider = { code: 'validation_required', message: 'Cannot be blank.' };
  else if (name.length > 100 || !config)
    problems.provider = { code: 'validation_invalid_provider', message: 'The provider is not enabled.' };
  if (text('code') === '') problems.code = { code: 'validation_required', message: 'Cannot be blank.' };
  if (body.createData !== undefined && body.createData !== null && !isJsonObject(body.createData))
    problems.createData = { code: 'validation_invalid_value', message: 'Must be an object.' };
  if (!config || Object.keys(problems).length > 0)
    throw new InvalidPayloadError('Failed to authenticate.', problems);
  return {
    config,
    code: text('code'),
    codeVerifier: text('codeVerifier'),
    redirectURL: text('redirectURL') || text('redirectUrl'),
    createData: isJsonObject(body.createData) ? { ...body.createData } : {},
  };
}

/**
 * `auth-with-oauth2`: the code is exchanged with the provider (a failure emits
 * `auth.oauth2.fail`, tagged with the provider) → the record is found: the one linked to the
 * provider account, else the signed-in one, else the one with the provider's verified email →
 * in one transaction: `auth.oauth2` filter (it may set another record; null signs up) → a new
 * record through the records create operation (its rule and hooks apply), or PocketBase's
 * takeover guard on an unverified existing one → the link in `_externalAuths` → after commit
 * the `auth.oauth2` action. Then MFA, and the token with the provider's data in `meta`.
 */
export async function authWithOAuth2(
  app: Core,
  collection: Collection,
  body: Record<string, unknown>,
  ctx: HookContext,
): Promise<AuthResponse> {
  assertAuthCollection(collection);
  if (!collection.oauth2?.enabled) throw new ForbiddenError('OAuth2 authentication is not enabled.');
  const request = readRequest(collection, body);
  const providerName = request.config.name;
  const fail = (error: unknown) =>
    emitAction(
      app,
      'auth.oauth2.fail',
      {
        event: 'auth.oauth2.fail',
        collection: collection.name,
        collectionId: collection.id,
        provider: providerName,
        status: 'fail',
        error: error instanceof Error ? error.message : String(error),
      },
      ctx,
      [...recordTags(collection), providerName],
    );

  let result: OAuth2Result;
  let displayName = providerName;
  try {
    const provider = await resolveProvider(request.config);
    displayName = provider.displayName;
    result = await exchangeCode(provider, request);
  } catch (error) {
    fail(error);
    if (error instanceof OAuth2ExchangeError) {
      throw new InvalidPayloadError('Failed to fetch the OAuth2 token.');
    }
    throw error;
  }
  try {
    const meta: OAuth2Meta = {
      event: 'auth.oauth2',
      collection: collection.name,
      collectionId: collection.id,
      provider: providerName,
      providerClient: { name: providerName, displayName },
    };
    const { row, isNew } = await signIn(app, collection, request, result.user, meta, ctx);
    await checkMFA(app, collection, row, 'oauth2', body.mfaId, ctx);
    const record = decodeRecord(collection, row, { showEmail: true });
    const { user } = result;
    return await respondWithToken(
      app,
      collection,
      row,
      record,
      { collection: collection.name, collectionId: collection.id, provider: 'oauth2' },
      ctx,
      {
        id: user.id,
        name: user.name,
        username: user.username,
        email: user.email,
        avatarURL: user.avatarURL,
        avatarUrl: user.avatarURL,
        accessToken: result.accessToken,
        refreshToken: result.refreshToken,
        expiry: result.expiry,
        rawUser: user.rawUser,
        isNew,
      },
    );
  } catch (error) {
    if (!(error instanceof MFARequiredError)) fail(error);
    throw error;
  }
}

async function signIn(
  app: Core,
  collection: Collection,
  request: OAuth2Request,
  user: OAuth2User,
  meta: OAuth2Meta,
  ctx: HookContext,
): Promise<{ row: RecordRow; isNew: boolean }> {
  const tags = recordTags(collection);
  const reader = app.database.reader;
  const provider = request.config.name;
  const linked = await findLink(reader, collection, provider, user.id);
  let found: RecordRow | undefined;
  if (linked) found = await findRecordById(reader, collection, linked.recordRef);
  const { accountability } = ctx;
  if (!found && accountability.collection === collection.name && accountability.user !== null) {
    found = await findRecordById(reader, collection, accountability.user);
  }
  if (!found && user.email !== '') found = await findByEmail(reader, collection, user.email);

  return inTransaction(app, ctx, async (tx) => {
    const oauth2User = { ...user } as Record<string, unknown>;
    const payload = await filterPayload(
      app,
      'auth.oauth2',
      {
        provider,
        record: found ? decodeRecord(collection, found, { isAdmin: true }) : null,
        oauth2User,
        isNewRecord: !found,
      } satisfies OAuth2Payload,
      meta,
      tx,
      tags,
    );
    let row: RecordRow | undefined;
    let isNew = false;
    if (payload.record) {
      row =
        payload.record.id === found?.id
          ? found
          : await findRecordById(tx.database, collection, payload.record.id, true);
      if (!row) throw new InvalidPayloadError('The record to sign in does not exist.');
      row = await guardExisting(app, collection, row, user, tx);
    } else {
      row = await signUp(app, collection, request, user, tx);
      isNew = true;
    }
    const id = String(row.id);
    // read again: the takeover guard may have dropped the link
    if (!(await findLink(tx.database, collection, provider, user.id))) {
      await link(app, collection, id, provider, user.id, tx);
    }
    const record = decodeRecord(collection, row, { isAdmin: true });
    emitAction(
      app,
      'auth.oauth2',
      {
        ...meta,
        status: 'success',
        user: record,
        payload: { provider, record, oauth2User, isNewRecord: isNew },
      },
      tx,
      tags,
    );
    return { row, isNew };
  });
}

const randomPassword = () => randomBytes(24).toString('base64url');

/**
 * A new record from `createData`, the provider's email and the mapped fields, created as the
 * caller (the create rule and hooks apply); marked verified when its email is the provider's.
 */
async function signUp(
  app: Core,
  collection: Collection,
  request: OAuth2Request,
  user: OAuth2User,
  tx: HookContext,
): Promise<RecordRow> {
  if (collection.name === '_superusers') throw new ForbiddenError('Superusers cannot sign up with OAuth2.');
  const data: Record<string, unknown> = { ...request.createData };
  if (!data.email && user.email) data.email = user.email;
  if (data.password === undefined) {
    const password = randomPassword();
    data.password = password;
    data.passwordConfirm = password;
  }
  const mapped = collection.oauth2?.mappedFields;
  const fields = new Map(collection.fields.map((field) => [field.name, field]));
  for (const key of ['id', 'name', 'username', 'avatarURL'] as const) {
    const target = mapped?.[key];
    const value = user[key];
    const field = target ? fields.get(target) : undefined;
    if (!field || value === '' || data[field.name] !== undefined) continue;
    if (field.type === 'file') {
      // the provider's picture is fetched into a file field, as PocketBase does
      const avatar = key === 'avatarURL' ? await fetchAvatar(app, value, field) : undefined;
      if (avatar) data[field.name] = avatar;
      continue;
    }
    if (field.type === 'text' && field.pattern && !new RegExp(field.pattern).test(value)) continue;
    if (key === 'username' && (await isTaken(tx, collection, field.name, value))) continue;
    data[field.name] = value;
  }
  const created = await createRecord(app, collection, data, tx);
  if (user.email !== '' && String(data.email ?? '').toLowerCase() === user.email.toLowerCase()) {
    await updateRecord(app, collection, created.id, { verified: true }, asSystem(tx));
  }
  return (await findRecordById(tx.database, collection, created.id)) as RecordRow;
}

async function isTaken(
  tx: HookContext,
  collection: Collection,
  field: string,
  value: string,
): Promise<boolean> {
  const row = await tx.database
    .selectFrom(collection.name)
    .select('id')
    .where(field, '=', value)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * PocketBase's guard against account pre-hijacking, on an unverified record: whoever created
 * it may not own the address, so unless it is the signed-in record it gets a random password,
 * and it loses every provider link (it keeps at most the one made now). Then a blank email is
 * filled, and the record becomes verified when its email is blank or the provider's.
 */
async function guardExisting(
  app: Core,
  collection: Collection,
  row: RecordRow,
  user: OAuth2User,
  tx: HookContext,
): Promise<RecordRow> {
  const id = String(row.id);
  const changes: Record<string, unknown> = {};
  const verified = row.verified === true || row.verified === 1;
  if (!verified) {
    if (tx.accountability.user !== id || tx.accountability.collection !== collection.name) {
      const password = randomPassword();
      changes.password = password;
      changes.passwordConfirm = password;
    }
    const externalAuths = systemCollection(app, '_externalAuths');
    for (const other of await linksOf(tx.database, collection, id)) {
      await deleteRecord(app, externalAuths, other.id, asSystem(tx));
    }
  }
  let email = String(row.email ?? '');
  if (email === '' && user.email !== '') {
    email = user.email;
    changes.email = email;
  }
  if (!verified && (email === '' || email.toLowerCase() === user.email.toLowerCase()))
    changes.verified = true;
  if (Object.keys(changes).length === 0) return row;
  await updateRecord(app, collection, id, changes, asSystem(tx));
  return (await findRecordById(tx.database, collection, id)) as RecordRow;
}
