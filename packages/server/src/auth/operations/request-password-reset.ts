import { ForbiddenError } from '@sluice/hooks';
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

const EVENT = 'auth.password_reset.request';

/**
 * `request-password-reset {email}`: the `auth.password_reset.request` filter (the matching
 * record in meta, or null) → a reset link mailed in the background → the action. The answer is
 * the same whether the address exists or the mail fails, so it reveals no account.
 */
export async function requestPasswordReset(
  app: App,
  collection: Collection,
  body: Record<string, unknown>,
  ctx: HookContext,
): Promise<void> {
  assertAuthCollection(collection);
  if (!collection.passwordAuth?.enabled) throw new ForbiddenError('Password authentication is not enabled.');
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
  const to = String(row.email);
  const token = await signRecordToken(
    app.secret(),
    collection,
    { id: record.id, tokenKey: row.tokenKey },
    {
      type: 'passwordReset',
      email: to,
    },
  );
  app.services.mail.background(EVENT, () =>
    sendAuthMail(app, { kind: 'passwordReset', collection, record, token, to }, ctx),
  );
  emitAction(app, EVENT, flowMeta(EVENT, collection, record), ctx, tags);
}
