import { ForbiddenError, InvalidPayloadError, UnauthorizedError } from '@sluice/hooks';
import type { App } from '../../app/types.ts';
import type { Collection } from '../../collections/types.ts';
import type { HookContext } from '../../context.ts';
import { sendAuthMail } from '../../mailer/auth-mails.ts';
import { emitAction, filterOutcome, recordTags } from '../../records/operations/events.ts';
import { findRecordById } from '../../records/store.ts';
import { signRecordToken } from '../tokens.ts';
import { assertAuthCollection, findByEmail, flowMeta, flowRecord, requireFields } from './flows.ts';

const EVENT = 'auth.email_change.request';

const invalidNewEmail = () =>
  new InvalidPayloadError('Something went wrong while processing your request.', {
    newEmail: { code: 'validation_invalid_new_email', message: 'Invalid new email address.' },
  });

/**
 * `request-email-change {newEmail}` by the authenticated record: the new address must be free →
 * the `auth.email_change.request` filter → a confirmation link mailed to the new address in
 * the background → the action.
 */
export async function requestEmailChange(
  app: App,
  collection: Collection,
  body: Record<string, unknown>,
  ctx: HookContext,
): Promise<void> {
  assertAuthCollection(collection);
  const { accountability } = ctx;
  if (!accountability.record || accountability.user === null) {
    throw new UnauthorizedError('The request requires a valid record authorization token.');
  }
  if (accountability.collection !== collection.name) {
    throw new ForbiddenError('The token does not belong to this collection.');
  }
  const input = requireFields(body, ['newEmail'], ['newEmail']);
  const row = await findRecordById(app.database.reader, collection, accountability.user);
  if (!row) throw new UnauthorizedError('The record no longer exists.');
  const record = flowRecord(collection, row);
  const tags = recordTags(collection);
  const { payload, stopped } = await filterOutcome(
    app,
    EVENT,
    input,
    flowMeta(EVENT, collection, record),
    ctx,
    tags,
  );
  if (stopped) return;
  const newEmail = typeof payload?.newEmail === 'string' ? payload.newEmail.trim() : '';
  if (
    newEmail === '' ||
    newEmail.toLowerCase() === String(row.email).toLowerCase() ||
    (await findByEmail(app.database.reader, collection, newEmail))
  ) {
    throw invalidNewEmail();
  }
  const token = await signRecordToken(
    app.secret(),
    collection,
    { id: record.id, tokenKey: row.tokenKey },
    {
      type: 'emailChange',
      email: String(row.email),
      newEmail,
    },
  );
  app.services.mail.background(EVENT, () =>
    sendAuthMail(app, { kind: 'emailChange', collection, record, token, to: newEmail, newEmail }, ctx),
  );
  emitAction(app, EVENT, flowMeta(EVENT, collection, record), ctx, tags);
}
