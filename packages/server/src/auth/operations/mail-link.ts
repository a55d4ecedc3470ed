import type { App } from '../../app/types.ts';
import type { Collection, RecordData } from '../../collections/types.ts';
import type { HookContext } from '../../context.ts';
import { sendAuthMail } from '../../mailer/auth-mails.ts';
import { emitAction, filterOutcome, recordTags } from '../../records/operations/events.ts';
import { signRecordToken } from '../tokens.ts';
import { findByEmail, flowMeta, flowRecord, requireFields } from './flows.ts';

export interface MailLinkFlow {
  event: 'auth.password_reset.request' | 'auth.verification.request';
  kind: 'passwordReset' | 'verification';
  /** Whether this record should get the mail (e.g. not when it is verified already). */
  wants(record: RecordData): boolean;
}

/**
 * The shared shape of `request-password-reset` and `request-verification`: the flow's filter
 * (the matching record in meta, or null) → a link made and mailed in the background → the
 * action. The answer is the same whether the address exists or the mail fails, and as quick,
 * since the link is made after it: it reveals no account.
 */
export async function requestMailLink(
  app: App,
  collection: Collection,
  body: Record<string, unknown>,
  ctx: HookContext,
  flow: MailLinkFlow,
): Promise<void> {
  const { event, kind } = flow;
  const { email } = requireFields(body, ['email'], ['email']);
  const tags = recordTags(collection);
  let row = await findByEmail(app.database.reader, collection, email);
  const meta = flowMeta(event, collection, row ? flowRecord(collection, row) : null);
  const { payload, stopped } = await filterOutcome(app, event, { email }, meta, ctx, tags);
  if (stopped) return;
  if (payload?.email !== email) {
    row =
      typeof payload?.email === 'string'
        ? await findByEmail(app.database.reader, collection, payload.email)
        : undefined;
  }
  if (!row) return;
  const record = flowRecord(collection, row);
  if (!flow.wants(record)) return;
  const to = String(row.email);
  const tokenKey = row.tokenKey;
  app.services.mail.background(event, async () => {
    const token = await signRecordToken(
      app.secret(),
      collection,
      { id: record.id, tokenKey },
      { type: kind, email: to },
    );
    await sendAuthMail(app, { kind, collection, record, token, to }, ctx);
  });
  emitAction(app, event, flowMeta(event, collection, record), ctx, tags);
}
