import type { Collection, EmailTemplate, RecordData } from '../collections/types.ts';

/** The emails of the auth flows, each under the collection option that overrides it. */
export type AuthMailKind = 'verification' | 'passwordReset' | 'emailChange' | 'otp';

export const templateOptions = {
  verification: 'verificationTemplate',
  passwordReset: 'resetPasswordTemplate',
  emailChange: 'confirmEmailChangeTemplate',
} as const satisfies Record<Exclude<AuthMailKind, 'otp'>, keyof Collection>;

const signature = `<p>
  Thanks,<br/>
  {APP_NAME} team
</p>`;

/** PocketBase's default emails; the links lead to `{APP_URL}/_/#/auth/…/{TOKEN}` as in PocketBase. */
export const defaultTemplates: Record<AuthMailKind, Required<EmailTemplate>> = {
  verification: {
    subject: 'Verify your {APP_NAME} email',
    body: `<p>Hello,</p>
<p>Thank you for joining us at {APP_NAME}.</p>
<p>Click on the button below to verify your email address.</p>
<p>
  <a class="btn" href="{ACTION_URL}" target="_blank" rel="noopener">Verify</a>
</p>
${signature}`,
    actionUrl: '{APP_URL}/_/#/auth/confirm-verification/{TOKEN}',
  },
  passwordReset: {
    subject: 'Reset your {APP_NAME} password',
    body: `<p>Hello,</p>
<p>Click on the button below to reset your password.</p>
<p>
  <a class="btn" href="{ACTION_URL}" target="_blank" rel="noopener">Reset password</a>
</p>
<p><i>If you didn't ask to reset your password, you can ignore this email.</i></p>
${signature}`,
    actionUrl: '{APP_URL}/_/#/auth/confirm-password-reset/{TOKEN}',
  },
  emailChange: {
    subject: 'Confirm your {APP_NAME} new email address',
    body: `<p>Hello,</p>
<p>Click on the button below to confirm your new email address.</p>
<p>
  <a class="btn" href="{ACTION_URL}" target="_blank" rel="noopener">Confirm new email</a>
</p>
<p><i>If you didn't ask to change your email address, you can ignore this email.</i></p>
${signature}`,
    actionUrl: '{APP_URL}/_/#/auth/confirm-email-change/{TOKEN}',
  },
  otp: {
    subject: 'OTP for {APP_NAME}',
    body: `<p>Hello,</p>
<p>Your one-time password is: <strong>{OTP}</strong></p>
<p><i>If you didn't ask for the one-time password, you can ignore this email.</i></p>
${signature}`,
    actionUrl: '',
  },
};

/** The collection's template for an email, its gaps filled from the default. */
export function templateFor(collection: Collection, kind: AuthMailKind): Required<EmailTemplate> {
  const override = (kind === 'otp' ? collection.otp?.emailTemplate : collection[templateOptions[kind]]) ?? {};
  const fallback = defaultTemplates[kind];
  return {
    subject: override.subject || fallback.subject,
    body: override.body || fallback.body,
    actionUrl: override.actionUrl || fallback.actionUrl,
  };
}

export interface TemplateValues {
  appName: string;
  appURL: string;
  token: string;
  /** The record's public fields (no password hash, no tokenKey): `{RECORD:field}`. */
  record: RecordData;
  /** A one-time password email: `{OTP}` and `{OTP_ID}`. */
  otpId?: string;
}

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
  actionUrl: string;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);
}

function stringOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

const PLACEHOLDER = /\{(APP_NAME|APP_URL|TOKEN|OTP|OTP_ID|ACTION_URL|RECORD:([A-Za-z0-9_]+))\}/g;

/**
 * Replaces every placeholder in one pass, so a value that itself reads `{TOKEN}` stays as
 * written. `encode` makes each value safe where it lands (HTML, a URL, plain text).
 */
function fill(
  template: string,
  values: TemplateValues & { actionUrl?: string },
  encode: (value: string, placeholder: string) => string,
): string {
  return template.replace(PLACEHOLDER, (placeholder, name: string, field: string | undefined) => {
    let value: string;
    if (field !== undefined) value = stringOf(values.record[field]);
    else if (name === 'APP_NAME') value = values.appName;
    else if (name === 'APP_URL') value = values.appURL;
    else if (name === 'TOKEN' || name === 'OTP') value = values.token;
    else if (name === 'OTP_ID') value = values.otpId ?? '';
    else value = values.actionUrl ?? '';
    return encode(value, placeholder);
  });
}

/** The action URL: record values are URL-encoded; the app URL and token go in as they are. */
function renderActionUrl(template: string, values: TemplateValues): string {
  return fill(template, values, (value, placeholder) =>
    placeholder.startsWith('{RECORD:') ? encodeURIComponent(value) : value,
  );
}

/** Renders an email: HTML with every value escaped, a plain-text twin, a one-line subject. */
export function renderTemplate(template: Required<EmailTemplate>, values: TemplateValues): RenderedMail {
  const appURL = values.appURL.replace(/\/+$/, '');
  const base = { ...values, appURL };
  const actionUrl = renderActionUrl(template.actionUrl, base);
  const withAction = { ...base, actionUrl };
  const subject = fill(template.subject, withAction, (value) => value)
    .replace(/[\r\n]+/g, ' ')
    .trim();
  const html = fill(template.body, withAction, escapeHtml);
  return { subject, html, text: htmlToText(html), actionUrl };
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, name: string) => ENTITIES[name]!);
}

/** A readable plain-text version of an HTML email: links keep their target, tags go. */
export function htmlToText(html: string): string {
  return decodeEntities(
    html
      .replace(/<(style|script|head)\b[^>]*>[\s\S]*?<\/\1>/gi, '')
      .replace(
        /<a\b[^>]*?href\s*=\s*("([^"]*)"|'([^']*)')[^>]*>([\s\S]*?)<\/a>/gi,
        (_, _q, dq, sq, label) => {
          const href = dq ?? sq ?? '';
          const text = String(label)
            .replace(/<[^>]+>/g, '')
            .trim();
          return text && text !== href ? `${text} (${href})` : href;
        },
      )
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<\/(p|div|h[1-6]|li|tr)>/gi, '\n\n')
      .replace(/<li\b[^>]*>/gi, '- ')
      .replace(/<[^>]+>/g, ''),
  )
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
