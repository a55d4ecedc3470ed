import type { Mailer, MailInput, SentMail } from './service.ts';

/** What Directus passes to a service: `new MailService({ schema, knex, accountability })`. */
export interface ServiceOptions {
  schema?: unknown;
  knex?: unknown;
  accountability?: unknown;
}

export interface MailServiceClass {
  new (options?: ServiceOptions): { send(options: MailInput): Promise<SentMail> };
}

/** Directus' `MailService`, bound to one mailer: `send({ to, subject, html | template: { name, data } })`. */
export function mailServiceClass(mail: Mailer): MailServiceClass {
  return class MailService {
    constructor(readonly options: ServiceOptions = {}) {}

    send(options: MailInput): Promise<SentMail> {
      return mail.send(options);
    }
  };
}
