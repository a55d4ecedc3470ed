import { ForbiddenError, InvalidPayloadError } from '@sluice/hooks';
import { inTransaction } from '../../app/transaction.ts';
import type { App } from '../../app/types.ts';
import type { AuthResponse, OTPMeta } from '../../catalogue/events.ts';
import { newId, randomString } from '../../collections/ids.ts';
import type { Collection, RecordData } from '../../collections/types.ts';
import type { HookContext } from '../../context.ts';
import { sendAuthMail } from '../../mailer/auth-mails.ts';
import { createRecord } from '../../records/operations/create.ts';
import { deleteRecord } from '../../records/operations/delete.ts';
import { emitAction, filterOutcome, filterPayload, recordTags } from '../../records/operations/events.ts';
import { updateRecord } from '../../records/operations/update.ts';
import { verifyPassword } from '../../records/password.ts';
import { findRecordById } from '../../records/store.ts';
import { checkMFA } from '../mfa.ts';
import { asSystem, deleteExpired, isFresh, systemCollection } from '../system-collections.ts';
import { assertAuthCollection, findByEmail, flowRecord, requireFields } from './flows.ts';
import { respondWithToken } from './respond.ts';

function assertOTPEnabled(collection: Collection): void {
  assertAuthCollection(collection);
  if (!collection.otp?.enabled) throw new ForbiddenError('One-time password authentication is not enabled.');
}

function otpMeta(event: string, collection: Collection, record: RecordData | null): OTPMeta {
  return { event, collection: collection.name, collectionId: collection.id, record };
}

/**
 * `request-otp {email}`: the `auth.otp.request` filter → a password of `otp.length` digits,
 * stored hashed in `_otps` → mailed in the background (`mailer.otp`) → the action. The answer
 * is `{otpId}` whether the address exists or not (a made-up id when it does not).
 */
export async function requestOTP(
  app: App,
  collection: Collection,
  body: Record<string, unknown>,
  ctx: HookContext,
): Promise<{ otpId: string }> {
  assertOTPEnabled(collection);
  const event = 'auth.otp.request';
  const tags = recordTags(collection);
  const { email } = requireFields(body, ['email'], ['email']);
  let row = await findByEmail(app.database.reader, collection, email);
  const meta = otpMeta(event, collection, row ? flowRecord(collection, row) : null);
  const { payload, stopped } = await filterOutcome(app, event, { email }, meta, ctx, tags);
  if (!stopped && payload.email !== email) {
    row =
      typeof payload.email === 'string'
        ? await findByEmail(app.database.reader, collection, payload.email)
        : undefined;
  }
  if (stopped || !row) return { otpId: newId() };
  const record = flowRecord(collection, row);
  await deleteExpired(app, '_otps', collection, record.id, collection.otp?.duration ?? 0, ctx);
  const password = randomString(collection.otp?.length ?? 8, '0123456789');
  const to = String(row.email);
  const otp = await createRecord(
    app,
    systemCollection(app, '_otps'),
    { collectionRef: collection.id, recordRef: record.id, password, sentTo: to },
    asSystem(ctx),
  );
  app.services.mail.background(event, () =>
    sendAuthMail(app, { kind: 'otp', collection, record, token: password, otpId: otp.id, to }, ctx),
  );
  emitAction(app, event, { ...otpMeta(event, collection, record), otpId: otp.id }, ctx, tags);
  return { otpId: otp.id };
}

const invalidOTP = () => new InvalidPayloadError('Invalid or expired one-time password.');

/**
 * `auth-with-otp {otpId, password}`: a fresh password of this collection, checked against its
 * hash → the `auth.otp` filter → the password is used up (and the address it was sent to, still
 * the record's, becomes verified) → MFA → the token → the action.
 */
export async function authWithOTP(
  app: App,
  collection: Collection,
  body: Record<string, unknown>,
  ctx: HookContext,
): Promise<AuthResponse> {
  assertOTPEnabled(collection);
  const { otpId, password } = requireFields(body, ['otpId', 'password']);
  const otps = systemCollection(app, '_otps');
  const stored = await findRecordById(app.database.reader, otps, otpId);
  if (!stored || stored.collectionRef !== collection.id || !isFresh(stored, collection.otp?.duration ?? 0)) {
    throw invalidOTP();
  }
  if (!(await verifyPassword(password, String(stored.password)))) throw invalidOTP();
  const row = await findRecordById(app.database.reader, collection, String(stored.recordRef));
  if (!row) throw invalidOTP();
  const event = 'auth.otp';
  const tags = recordTags(collection);
  const meta = { ...otpMeta(event, collection, flowRecord(collection, row)), otpId };
  const record = await filterPayload(app, event, flowRecord(collection, row), meta, ctx, tags);
  await inTransaction(app, ctx, async (tx) => {
    await deleteRecord(app, otps, otpId, asSystem(tx));
    const verified = row.verified === true || row.verified === 1;
    if (!verified && String(stored.sentTo).toLowerCase() === String(row.email).toLowerCase()) {
      await updateRecord(app, collection, String(row.id), { verified: true }, asSystem(tx));
    }
  });
  await checkMFA(app, collection, row, 'otp', body.mfaId, ctx);
  const current = (await findRecordById(app.database.reader, collection, String(row.id))) ?? row;
  const response = await respondWithToken(
    app,
    collection,
    current,
    { ...record, ...flowRecord(collection, current) },
    { collection: collection.name, collectionId: collection.id, provider: 'otp' },
    ctx,
  );
  emitAction(app, event, meta, ctx, tags);
  return response;
}
