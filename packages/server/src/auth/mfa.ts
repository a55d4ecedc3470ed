import { InvalidPayloadError, UnauthorizedError } from '@sluice/hooks';
import type { Core } from '../app/core.ts';
import type { Collection } from '../collections/types.ts';
import type { HookContext } from '../context.ts';
import { compileFilter } from '../filter/index.ts';
import { decodeRecord } from '../records/encoding.ts';
import { createRecord } from '../records/operations/create.ts';
import { deleteRecord } from '../records/operations/delete.ts';
import { emitAction, recordTags } from '../records/operations/events.ts';
import { findRecordById, type RecordRow } from '../records/store.ts';
import { asSystem, deleteExpired, isFresh, systemCollection } from './system-collections.ts';

export type AuthMethod = 'password' | 'oauth2' | 'otp';

/** A first method passed and the collection wants a second: the client is answered 401 `{mfaId}`. */
export class MFARequiredError extends UnauthorizedError {
  constructor(readonly mfaId: string) {
    super('Multi-factor authentication is required.');
  }
}

const invalidMfa = () =>
  new InvalidPayloadError('Invalid or expired MFA session.', {
    mfaId: { code: 'validation_invalid_mfa', message: 'Invalid or expired MFA session.' },
  });

async function mfaApplies(app: Core, collection: Collection, row: RecordRow): Promise<boolean> {
  const rule = collection.mfa?.rule ?? '';
  if (rule.trim() === '') return true;
  const record = decodeRecord(collection, row, { isAdmin: true });
  const condition = compileFilter(rule, {
    dialect: app.database.dialect,
    collection,
    getCollection: (idOrName) => app.schema.get(idOrName),
    auth: { ...record, collectionId: collection.id, collectionName: collection.name },
    allowHiddenFields: true,
  });
  const match = await app.database.reader
    .selectFrom(collection.name)
    .select('id')
    .where('id', '=', row.id as string)
    .where(condition)
    .executeTakeFirst();
  return match !== undefined;
}

/**
 * PocketBase's multi-factor authentication, after a method passed for `row`: without MFA on the
 * collection (or with a rule the record does not match) the sign-in goes on. Otherwise, without
 * an `mfaId`, one is stored for this method (`_mfas`), `auth.mfa` fires and the client gets
 * 401 `{mfaId}`; with one, it must belong to the record, be fresh and name another method,
 * and it is used up.
 */
export async function checkMFA(
  app: Core,
  collection: Collection,
  row: RecordRow,
  method: AuthMethod,
  mfaId: unknown,
  ctx: HookContext,
): Promise<void> {
  if (!collection.mfa?.enabled || !(await mfaApplies(app, collection, row))) return;
  const mfas = systemCollection(app, '_mfas');
  const recordId = String(row.id);
  if (mfaId === undefined || mfaId === null || mfaId === '') {
    await deleteExpired(app, '_mfas', collection, recordId, collection.mfa.duration, ctx);
    const created = await createRecord(
      app,
      mfas,
      { collectionRef: collection.id, recordRef: recordId, method },
      asSystem(ctx),
    );
    const record = decodeRecord(collection, row, { isAdmin: true });
    emitAction(
      app,
      'auth.mfa',
      {
        event: 'auth.mfa',
        collection: collection.name,
        collectionId: collection.id,
        record,
        method,
        mfaId: created.id,
      },
      ctx,
      recordTags(collection),
    );
    throw new MFARequiredError(created.id);
  }
  if (typeof mfaId !== 'string') throw invalidMfa();
  const stored = await findRecordById(app.database.reader, mfas, mfaId);
  if (!stored) throw invalidMfa();
  if (!isFresh(stored, collection.mfa.duration)) {
    await deleteRecord(app, mfas, mfaId, asSystem(ctx));
    throw invalidMfa();
  }
  if (stored.collectionRef !== collection.id || stored.recordRef !== recordId) {
    throw new InvalidPayloadError('Invalid MFA session.', {
      mfaId: { code: 'validation_invalid_mfa', message: 'The MFA session is another record’s.' },
    });
  }
  if (stored.method === method) {
    throw new InvalidPayloadError('A different authentication method is required.', {
      mfaId: { code: 'validation_same_method', message: 'The second method must differ from the first.' },
    });
  }
  await deleteRecord(app, mfas, mfaId, asSystem(ctx));
}
