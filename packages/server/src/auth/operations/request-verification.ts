import type { App } from '../../app/types.ts';
import type { Collection } from '../../collections/types.ts';
import type { HookContext } from '../../context.ts';
import { sendAuthMail } from '../../mailer/auth-mails.ts';
import { emitAction, recordTags } from '../../records/operations/events.ts';
import { signRecordToken } from '../tokens.ts';
import {
  assertAuthCollection,
  findByEmail,
  flowMeta,
  flowRecord,
  requireFields,
  runFlowFilter,
} from './flows.ts';

const EVENT = 'auth.verification.request';

/**
 * `request-verification {email}`: the `auth.verification.request` filter (the matching record
 * in meta, or null) → for a record not yet verified, a verification link mailed in the
 * background → the action. Always answered alike.
 */
export async function requestVerification(
  app: App,
  collection: Collection,
  body: Record<string, unknown>,
  ctx: HookContext,
): Promise<void> {
  assertAuthCollection(collection);
  const { email } = requireFields(body, ['email'], ['email']);
  const tags = recordTags(collection);
  let row = await findByEmail(app.database.reader, collection, email);
  const meta = flowMeta(EVENT, collection, row ? flowRecord(collection, row) : null);
  const { payload, stopped } = await runFlowFilter(app, EVENT, { email }, meta, ctx, tags);
  if (stopped) return;
  if (payload?.email !== email) {
    row =
      typeof payload?.email === 'string'
        ? await findByEmail(app.database.reader, collection, payload.email)
        : undefined;
  }
  if (!row) return;
  const record = flowRecord(collection, row);
  if (record.verified === true) return;
  const to = String(row.email);
  const token = await signRecordToken(
    app.secret(),
    collection,
    { id: record.id, tokenKey: row.tokenKey },
    {
      type: 'verification',
      email: to,
    },
  );
  app.services.mail.background(EVENT, () =>
    sendAuthMail(app, { kind: 'verification', collection, record, token, to }, ctx),
  );
  emitAction(app, EVENT, flowMeta(EVENT, collection, record), ctx, tags);
}
