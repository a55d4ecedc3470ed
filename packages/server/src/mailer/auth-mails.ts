import type { App } from '../app/types.ts';
import type { MailMessage, MailMeta } from '../catalogue/events.ts';
import type { Collection, RecordData } from '../collections/types.ts';
import type { HookContext } from '../context.ts';
import { emitAction, filterOutcome, recordTags } from '../records/operations/events.ts';
import { type AuthMailKind, renderTemplate, templateFor } from './templates.ts';

const EVENTS = {
  verification: 'mailer.verification',
  passwordReset: 'mailer.password_reset',
  emailChange: 'mailer.email_change',
  otp: 'mailer.otp',
} as const satisfies Record<AuthMailKind, string>;

export interface AuthMail {
  kind: AuthMailKind;
  collection: Collection;
  /** The record's public fields (what `{RECORD:field}` may show). */
  record: RecordData;
  /** The link's token, or the one-time password. */
  token: string;
  otpId?: string;
  /** The recipient: the record's address, or the new one for an email change. */
  to: string;
  newEmail?: string;
}

/**
 * Renders an auth flow's email from the collection's template, runs its `mailer.*` filter (which
 * may change the message, or return `false`: not sent), sends it and emits the action.
 * Resolves to whether it was sent.
 */
export async function sendAuthMail(app: App, mail: AuthMail, ctx: HookContext): Promise<boolean> {
  const { meta: site } = await app.services.settings.current();
  const rendered = renderTemplate(templateFor(mail.collection, mail.kind), {
    appName: site.appName,
    appURL: site.appURL,
    token: mail.token,
    record: mail.record,
    otpId: mail.otpId,
  });
  const event = EVENTS[mail.kind];
  const tags = recordTags(mail.collection);
  let message: MailMessage = {
    from: await app.services.mail.sender(),
    to: [{ address: mail.to }],
    subject: rendered.subject,
    html: rendered.html,
    text: rendered.text,
  };
  const meta: MailMeta = {
    event,
    collection: mail.collection.name,
    collectionId: mail.collection.id,
    record: mail.record,
    meta:
      mail.kind === 'otp'
        ? { otpId: mail.otpId, password: mail.token }
        : {
            token: mail.token,
            actionUrl: rendered.actionUrl,
            ...(mail.newEmail === undefined ? {} : { newEmail: mail.newEmail }),
          },
  };
  const filtered = await filterOutcome(app, event, message, meta, ctx, tags);
  if (filtered.stopped) {
    app.logger.info(
      { event, collection: mail.collection.name, record: mail.record.id },
      'Mail cancelled by a hook.',
    );
    return false;
  }
  message = filtered.payload;
  await app.services.mail.deliver(message);
  emitAction(app, event, { ...meta, message }, ctx, tags);
  return true;
}
