import type { App } from '../app/types.ts';
import type { MailInput, SentMail } from './service.ts';

/** What Directus passes to a service: `new MailService({ schema, knex, accountability })`. */
export interface ServiceOptions {
  schema?: unknown;
  knex?: unknown;
  accountability?: unknown;
}

export interface MailServiceClass {
  new (options?: ServiceOptions): { send(options: MailInput): Promise<SentMail> };
}

/** Directus' `MailService`, bound to one app: `send({ to, subject, html | template: { name, data } })`. */
export function mailServiceClass(app: App): MailServiceClass {
  return class MailService {
    constructor(readonly options: ServiceOptions = {}) {}

    send(options: MailInput): Promise<SentMail> {
      return app.services.mail.send(options);
    }
  };
}
