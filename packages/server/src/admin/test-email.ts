import { InvalidPayloadError } from '@sluice/hooks';
import type { App } from '../app/types.ts';
import { objectBody, requireSuperuser } from '../http/guards.ts';
import { escapeHtml } from '../mailer/templates.ts';

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * `POST /api/settings/test/email` (PocketBase's shape, `{email, template}`): sends a test message
 * with the current mail settings, so that a superuser sees they work; 204 once the server
 * accepted it.
 */
export function registerTestEmailRoute(app: App): void {
  // the settings routes may come to answer it themselves: theirs is kept then
  if (app.http.hasRoute({ method: 'POST', url: '/api/settings/test/email' })) return;
  app.http.post('/api/settings/test/email', async (request, reply) => {
    requireSuperuser(request);
    const { email, template } = objectBody(request);
    if (typeof email !== 'string' || !EMAIL.test(email))
      throw new InvalidPayloadError('Invalid email.', {
        email: { code: 'validation_invalid_email', message: 'Must be an email address.' },
      });
    const { meta } = await app.services.settings.current();
    const what = typeof template === 'string' && template !== '' ? ` (${template})` : '';
    await app.services.mail.send({
      to: email,
      subject: `${meta.appName}: test email${what}`,
      html: `<p>This is a test email from ${escapeHtml(meta.appName)}: the mail settings work.</p>`,
    });
    return reply.status(204).send();
  });
}
