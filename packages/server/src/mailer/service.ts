import { resolve } from 'node:path';
import { InvalidPayloadError, SluiceError } from '@sluice/hooks';
import type { Core } from '../app/core.ts';
import type { MailAddress, MailMessage } from '../catalogue/events.ts';
import type { SettingsService } from '../settings/service.ts';
import { fillVariables, type NamedTemplate, NamedTemplates } from './named-templates.ts';
import { htmlToText } from './templates.ts';

export type AddressInput = string | MailAddress;

/** What `send` takes: a message, or a named template and its data (Directus' MailService). */
export interface MailInput {
  to: AddressInput | AddressInput[];
  from?: AddressInput;
  cc?: AddressInput | AddressInput[];
  bcc?: AddressInput | AddressInput[];
  replyTo?: AddressInput;
  subject?: string;
  html?: string;
  text?: string;
  headers?: Record<string, string>;
  template?: { name: string; data?: Record<string, unknown> };
}

export interface SentMail {
  messageId: string;
  accepted: string[];
  rejected: string[];
}

/** Mail is switched off in the settings (`smtp.enabled`). */
export const mailDisabled = () =>
  new SluiceError(
    503,
    'SLUICE_ERR_MAIL_DISABLED',
    'Sending email is not set up: enable SMTP in the settings (smtp.enabled, smtp.host, smtp.port).',
  );

const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

function toAddress(input: AddressInput): MailAddress {
  if (typeof input === 'string') return { address: input };
  if (input && typeof input === 'object' && typeof input.address === 'string') {
    return input.name ? { name: input.name, address: input.address } : { address: input.address };
  }
  throw new InvalidPayloadError('An email address must be a string or { name, address }.');
}

function toAddresses(input: AddressInput | AddressInput[] | undefined): MailAddress[] {
  if (input === undefined || input === null) return [];
  return (Array.isArray(input) ? input : [input]).map(toAddress);
}

const addressesOf = (list: MailAddress[]) => list.map((entry) => entry.address);

/**
 * Email over SMTP with nodemailer, configured from the settings at each send (a settings change
 * applies to the next message). Logs name recipients and subjects, never bodies: they carry
 * tokens.
 */
export class Mailer {
  readonly templates: NamedTemplates;
  readonly #pending = new Set<Promise<unknown>>();

  /** `extensions`: the extensions folder (its `templates/` holds email templates), or false. */
  constructor(
    private readonly app: Core,
    private readonly settings: SettingsService,
    private readonly extensions: string | false | undefined,
  ) {
    this.templates = new NamedTemplates(() => this.#templatesDir());
  }

  #templatesDir(): string | undefined {
    const { env } = this.app;
    const configured = env.SLUICE_EMAIL_TEMPLATES ?? env.EMAIL_TEMPLATES_PATH;
    if (configured) return resolve(configured);
    if (this.extensions === false) return undefined;
    return resolve(this.extensions ?? env.SLUICE_EXTENSIONS ?? './extensions', 'templates');
  }

  /** Whether SMTP is enabled in the settings. */
  async enabled(): Promise<boolean> {
    return (await this.settings.current()).smtp.enabled;
  }

  /** The sender the settings name (`meta.senderName`, `meta.senderAddress`). */
  async sender(): Promise<MailAddress> {
    const { meta } = await this.settings.current();
    return meta.senderName
      ? { name: meta.senderName, address: meta.senderAddress }
      : { address: meta.senderAddress };
  }

  /** Adds a template that `send({ template: { name } })` finds; returns what removes it. */
  registerTemplate(name: string, template: NamedTemplate): () => void {
    return this.templates.register(name, template);
  }

  /**
   * Sends one message: `html`/`text`/`subject` as given, or rendered from `template` with its
   * `data` (plus `projectName`, `projectUrl`). Refuses when SMTP is disabled; a failure of the
   * SMTP server is a 503.
   */
  async send(input: MailInput | MailMessage): Promise<SentMail> {
    if (!input || typeof input !== 'object') throw new InvalidPayloadError('A message must be an object.');
    const message = await this.#compose(input as MailInput);
    return this.deliver(message, {
      cc: toAddresses((input as MailInput).cc),
      bcc: toAddresses((input as MailInput).bcc),
      replyTo: (input as MailInput).replyTo,
    });
  }

  async #compose(input: MailInput): Promise<MailMessage> {
    const to = toAddresses(input.to);
    const from = input.from === undefined ? await this.sender() : toAddress(input.from);
    let { subject = '', html = '', text } = input;
    if (input.template) {
      const template = await this.templates.find(input.template.name);
      const { meta } = await this.settings.current();
      const data = {
        projectName: meta.appName,
        projectUrl: meta.appURL,
        appName: meta.appName,
        appURL: meta.appURL,
        ...input.template.data,
      };
      html = fillVariables(template.html, data, true);
      if (template.text !== undefined) text ??= fillVariables(template.text, data, false);
      if (!input.subject && template.subject) subject = fillVariables(template.subject, data, false);
    }
    return {
      from,
      to,
      subject,
      html,
      text: text ?? (html ? htmlToText(html) : ''),
      ...(input.headers ? { headers: input.headers } : {}),
    };
  }

  /** Sends a finished message through SMTP; no hooks run here (the callers run theirs). */
  async deliver(
    message: MailMessage,
    extra: { cc?: MailAddress[]; bcc?: MailAddress[]; replyTo?: AddressInput } = {},
  ): Promise<SentMail> {
    const to = toAddresses(message.to as AddressInput[]);
    if (to.length === 0) throw new InvalidPayloadError('A message needs at least one recipient.');
    const { smtp } = await this.settings.current();
    if (!smtp.enabled) {
      this.app.logger.warn(
        { to: addressesOf(to), subject: message.subject },
        'Mail not sent: SMTP is disabled.',
      );
      throw mailDisabled();
    }
    // loaded on the first send: a server that sends no mail does not hold the SMTP client
    const { default: nodemailer } = await import('nodemailer');
    const transport = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.tls,
      name: smtp.localName || undefined,
      authMethod: smtp.authMethod || undefined,
      auth: smtp.username ? { user: smtp.username, pass: smtp.password } : undefined,
      ...TIMEOUTS,
    });
    try {
      const info = await transport.sendMail({
        from: toAddress(message.from),
        to,
        cc: extra.cc?.length ? extra.cc : undefined,
        bcc: extra.bcc?.length ? extra.bcc : undefined,
        replyTo: extra.replyTo === undefined ? undefined : toAddress(extra.replyTo),
        subject: message.subject,
        html: message.html,
        text: message.text,
        headers: message.headers,
      });
      const sent = {
        messageId: String(info.messageId ?? ''),
        accepted: (info.accepted ?? []).map(String),
        rejected: (info.rejected ?? []).map(String),
      };
      this.app.logger.info(
        { to: addressesOf(to), subject: message.subject, messageId: sent.messageId },
        'Mail sent.',
      );
      return sent;
    } catch (error) {
      const { code, responseCode } = error as { code?: string; responseCode?: number };
      this.app.logger.error(
        {
          to: addressesOf(to),
          subject: message.subject,
          code,
          responseCode,
          error: (error as Error).message,
        },
        'Mail could not be sent.',
      );
      throw new SluiceError(503, 'SLUICE_ERR_MAIL_FAILED', 'The email could not be sent.', {}, error);
    } finally {
      transport.close();
    }
  }

  /**
   * Runs `work` without the caller waiting; `idle()` waits for it. Failures are logged only. It
   * starts on a later turn of the event loop, once the answer of the request that asked for it
   * is written: that answer takes as long whether there was mail to send or not.
   */
  background(label: string, work: () => Promise<unknown>): void {
    const task: Promise<unknown> = new Promise((resolve) => setImmediate(resolve))
      .then(work)
      .catch((error: unknown) => {
        this.app.logger.warn(
          { task: label, code: (error as SluiceError).code, error: (error as Error).message },
          'A background email failed.',
        );
      })
      .finally(() => this.#pending.delete(task));
    this.#pending.add(task);
  }

  /** Resolves once every background email started so far has been sent or has failed. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }
}
