import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  createCollection,
  type Dialect,
  dialects,
  sleep,
  startServer,
  type TestServer,
} from './helpers.ts';
import { type Mail, smtpServer } from './smtp.ts';

// The email flows end to end: a real SMTP server on 127.0.0.1 receives what Sluice sends, and
// the PocketBase example (which changes the reset-password subject) is loaded.

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const APP_URL = 'https://app.example.test';

function linkToken(mail: Mail, action: string): string {
  const match = new RegExp(
    `${APP_URL.replace(/\./g, '\\.')}/_/#/auth/${action}/([\\w-]+\\.[\\w-]+\\.[\\w-]+)`,
  ).exec(mail.body);
  if (!match) throw new Error(`No ${action} link in:\n${mail.body}`);
  return match[1]!;
}

describe.each(dialects)('mail and the email flows (%s)', (dialect: Dialect) => {
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof smtpServer>>;
  const lines: string[] = [];
  const tokens = new Set<string>();
  const cleanups: (() => void)[] = [];

  const settle = () => server.app.services.mail.idle();
  const post = (collection: string, path: string, body: unknown, token: string | null = null) =>
    server.request('POST', `/api/collections/${collection}/${path}`, { body, token });
  const settings = (body: unknown) =>
    server.request('PATCH', '/api/settings', { body, token: server.adminToken });

  async function signUp(name: string, collection = 'users') {
    const email = `${name.toLowerCase().replace(/[^a-z]/g, '')}-${Math.random().toString(36).slice(2, 8)}@example.com`;
    const password = 'password-123456';
    const token = collection === 'users' ? null : server.adminToken;
    const created = await server.request('POST', `/api/collections/${collection}/records`, {
      body: { email, password, passwordConfirm: password, ...(collection === 'users' ? { name } : {}) },
      token,
    });
    expect(created.status, created.text).toBe(200);
    const login = await post(collection, 'auth-with-password', { identity: email, password });
    expect(login.status).toBe(200);
    return { id: created.body.id as string, email, password, token: login.body.token as string };
  }

  async function requestMail(
    collection: string,
    path: string,
    body: unknown,
    authToken: string | null = null,
  ) {
    const before = smtp.received.length;
    const response = await post(collection, path, body, authToken);
    expect(response.status, response.text).toBe(204);
    expect(response.text).toBe('');
    await settle();
    return smtp.received.slice(before);
  }

  const login = (identity: string, password: string, collection = 'users') =>
    post(collection, 'auth-with-password', { identity, password });

  beforeAll(async () => {
    smtp = await smtpServer();
    const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
    server = await startServer(dialect, { extensions: join(root, 'examples', 'pocketbase'), logger });
    const patched = await settings({
      smtp: { enabled: true, host: '127.0.0.1', port: smtp.port },
      meta: {
        appName: 'MailTest',
        appURL: APP_URL,
        senderName: 'Mail Test',
        senderAddress: 'noreply@example.test',
      },
    });
    expect(patched.status, patched.text).toBe(200);
  });

  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  afterAll(async () => {
    await server?.stop();
    await smtp?.close();
  });

  it('password reset: a mail with the link, the new password works, old tokens and the link die', async () => {
    const user = await signUp('Ann');
    const mails = await requestMail('users', 'request-password-reset', { email: user.email.toUpperCase() });
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail!.to).toEqual([user.email]);
    expect(mail!.from).toBe('noreply@example.test');
    expect(mail!.body).toContain('From: Mail Test <noreply@example.test>');
    // The PocketBase example's onMailerBeforeRecordResetPasswordSend sets the subject.
    expect(mail!.subject).toBe('Reset your password, Ann');
    expect(mail!.body).toContain('Content-Type: text/plain');
    expect(mail!.body).toContain('Content-Type: text/html');
    const token = linkToken(mail!, 'confirm-password-reset');
    tokens.add(token);

    const mismatch = await post('users', 'confirm-password-reset', {
      token,
      password: 'new-password-1',
      passwordConfirm: 'other-password-1',
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.data).toHaveProperty('passwordConfirm');

    const confirmed = await post('users', 'confirm-password-reset', {
      token,
      password: 'new-password-1',
      passwordConfirm: 'new-password-1',
    });
    expect(confirmed.status, confirmed.text).toBe(204);

    expect((await login(user.email, 'new-password-1')).status).toBe(200);
    expect((await login(user.email, user.password)).status).toBe(400);
    const refresh = await server.request('POST', '/api/collections/users/auth-refresh', {
      token: user.token,
    });
    expect(refresh.status).toBe(401);

    const reused = await post('users', 'confirm-password-reset', {
      token,
      password: 'third-password-1',
      passwordConfirm: 'third-password-1',
    });
    expect(reused.status).toBe(400);
    expect(reused.body.data).toHaveProperty('token');
    expect((await login(user.email, 'new-password-1')).status).toBe(200);
  });

  it('password reset runs the record update hooks and the auth.password_reset hooks', async () => {
    const user = await signUp('Hooked');
    const seen: string[] = [];
    cleanups.push(
      server.app.hooks.filter('records.update', (payload: Record<string, unknown>) => {
        seen.push(`records.update ${Object.keys(payload).sort().join(',')}`);
      }),
      server.app.hooks.filter('auth.password_reset.request', (payload: { email: string }, meta: any) => {
        seen.push(`request ${payload.email} ${meta.record?.id}`);
      }),
      server.app.hooks.action(
        'auth.password_reset.request',
        (meta: any) => void seen.push(`requested ${meta.record.id}`),
      ),
      server.app.hooks.filter('auth.password_reset.confirm', (_payload: unknown, meta: any) => {
        seen.push(`confirm ${meta.record.id}`);
      }),
      server.app.hooks.action('auth.password_reset.confirm', (meta: any) => {
        seen.push(`confirmed ${meta.record.id} ${meta.record.verified}`);
      }),
    );
    const [mail] = await requestMail('users', 'request-password-reset', { email: user.email });
    const token = linkToken(mail!, 'confirm-password-reset');
    tokens.add(token);
    const confirmed = await post('users', 'confirm-password-reset', {
      token,
      password: 'hooked-password-1',
      passwordConfirm: 'hooked-password-1',
    });
    expect(confirmed.status).toBe(204);
    await server.app.hooks.drain();
    expect(seen).toEqual([
      `request ${user.email} ${user.id}`,
      `requested ${user.id}`,
      `confirm ${user.id}`,
      'records.update password,passwordConfirm,verified',
      `confirmed ${user.id} true`,
    ]);
  });

  it('an unknown email answers 204 and sends nothing; a bad body is a 400', async () => {
    expect(
      await requestMail('users', 'request-password-reset', { email: 'nobody-here@example.com' }),
    ).toEqual([]);
    expect(await requestMail('users', 'request-verification', { email: 'nobody-here@example.com' })).toEqual(
      [],
    );
    for (const body of [{}, { email: '' }, { email: 'not-an-email' }, { email: 42 }]) {
      const response = await post('users', 'request-password-reset', body);
      expect(response.status).toBe(400);
      expect(response.body.data).toHaveProperty('email');
    }
    expect((await post('articles_missing', 'request-password-reset', { email: 'a@b.co' })).status).toBe(404);
  });

  it('verification: the link marks the record verified; a verified record gets no more mail', async () => {
    const user = await signUp('Vera');
    const [mail, ...others] = await requestMail('users', 'request-verification', { email: user.email });
    expect(others).toEqual([]);
    expect(mail!.subject).toBe('Verify your MailTest email');
    expect(mail!.body).toContain('Thank you for joining us at MailTest.');
    const token = linkToken(mail!, 'confirm-verification');
    tokens.add(token);

    expect(
      (
        await post('users', 'confirm-password-reset', {
          token,
          password: 'x'.repeat(10),
          passwordConfirm: 'x'.repeat(10),
        })
      ).status,
    ).toBe(400);
    const confirmed = await post('users', 'confirm-verification', { token });
    expect(confirmed.status, confirmed.text).toBe(204);
    const record = await server.request('GET', `/api/collections/users/records/${user.id}`, {
      token: user.token,
    });
    expect(record.body.verified).toBe(true);
    // As PocketBase: confirming again answers 204 and changes nothing.
    expect((await post('users', 'confirm-verification', { token })).status).toBe(204);
    expect(await requestMail('users', 'request-verification', { email: user.email })).toEqual([]);
  });

  it('email change: a link to the new address; the password confirms it; old tokens die', async () => {
    const user = await signUp('Eve');
    const other = await signUp('Olga');
    const newEmail = `eve-new-${Math.random().toString(36).slice(2, 8)}@example.com`;
    expect((await post('users', 'request-email-change', { newEmail })).status).toBe(401);
    const taken = await post('users', 'request-email-change', { newEmail: other.email }, user.token);
    expect(taken.status).toBe(400);
    expect(taken.body.data).toHaveProperty('newEmail');
    expect((await post('users', 'request-email-change', { newEmail: 'nope' }, user.token)).status).toBe(400);

    const mails = await requestMail('users', 'request-email-change', { newEmail }, user.token);
    expect(mails.map((mail) => mail.to)).toEqual([[newEmail]]);
    expect(mails[0]!.subject).toBe('Confirm your MailTest new email address');
    const token = linkToken(mails[0]!, 'confirm-email-change');
    tokens.add(token);

    const wrong = await post('users', 'confirm-email-change', { token, password: 'wrong-password-1' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.data).toHaveProperty('password');
    const confirmed = await post('users', 'confirm-email-change', { token, password: user.password });
    expect(confirmed.status, confirmed.text).toBe(204);

    expect((await login(newEmail, user.password)).status).toBe(200);
    expect((await login(user.email, user.password)).status).toBe(400);
    expect(
      (await server.request('POST', '/api/collections/users/auth-refresh', { token: user.token })).status,
    ).toBe(401);
    expect((await post('users', 'confirm-email-change', { token, password: user.password })).status).toBe(
      400,
    );
    const fresh = await login(newEmail, user.password);
    expect(fresh.body.record).toMatchObject({ email: newEmail, verified: true });
  });

  it('a mailer.* filter may change the message; returning false sends nothing', async () => {
    const user = await signUp('Filtered');
    cleanups.push(
      server.app.hooks.filter('mailer.verification', (message: any, meta: any) => ({
        ...message,
        subject: `Welcome ${meta.record.name}`,
        html: `${message.html}<p>PS: ${meta.meta.actionUrl === `${APP_URL}/_/#/auth/confirm-verification/${meta.meta.token}`}</p>`,
      })),
    );
    const [mail] = await requestMail('users', 'request-verification', { email: user.email });
    expect(mail!.subject).toBe('Welcome Filtered');
    expect(mail!.body).toContain('PS: true');
    tokens.add(linkToken(mail!, 'confirm-verification'));

    const sentActions: string[] = [];
    cleanups.push(
      server.app.hooks.filter('mailer.password_reset', () => false, { priority: -1 }),
      server.app.hooks.action(
        'mailer.password_reset',
        (meta: any) => void sentActions.push(meta.message.subject),
      ),
    );
    expect(await requestMail('users', 'request-password-reset', { email: user.email })).toEqual([]);
    await server.app.hooks.drain();
    expect(sentActions).toEqual([]);
  });

  it('the mailer action sees the message as sent', async () => {
    const user = await signUp('Action');
    const sent: any[] = [];
    cleanups.push(server.app.hooks.action('mailer.verification', (meta: any) => void sent.push(meta)));
    await requestMail('users', 'request-verification', { email: user.email });
    await server.app.hooks.drain();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      collection: 'users',
      record: { id: user.id, email: user.email },
      message: { to: [{ address: user.email }], subject: 'Verify your MailTest email' },
    });
  });

  it('a throwing auth.password_reset.request filter fails the request alike for known and unknown emails, and sends nothing', async () => {
    const user = await signUp('Thrown');
    cleanups.push(
      server.app.hooks.filter('auth.password_reset.request', () => {
        throw new Error('reset refused');
      }),
    );
    const before = smtp.received.length;
    const known = await post('users', 'request-password-reset', { email: user.email });
    const unknown = await post('users', 'request-password-reset', { email: 'ghost@example.com' });
    await settle();
    expect(known.status).toBe(500);
    expect(unknown.status).toBe(500);
    expect(known.body).toEqual(unknown.body);
    expect(known.text).not.toContain('reset refused');
    expect(smtp.received.length).toBe(before);
  });

  it('a filter returning false on the request sends nothing and still answers 204', async () => {
    const user = await signUp('Stopped');
    cleanups.push(server.app.hooks.filter('auth.verification.request', () => false));
    expect(await requestMail('users', 'request-verification', { email: user.email })).toEqual([]);
  });

  it('expired, forged, other-purpose and other-collection tokens are refused with a 400', async () => {
    const user = await signUp('Expiry');
    const patch = (body: unknown) =>
      server.request('PATCH', '/api/collections/users', { body, token: server.adminToken });
    expect((await patch({ passwordResetToken: { duration: 1 } })).status).toBe(200);
    const [mail] = await requestMail('users', 'request-password-reset', { email: user.email });
    expect((await patch({ passwordResetToken: { duration: 1800 } })).status).toBe(200);
    const token = linkToken(mail!, 'confirm-password-reset');
    tokens.add(token);
    await sleep(2100);
    const body = { password: 'expired-password-1', passwordConfirm: 'expired-password-1' };
    const expired = await post('users', 'confirm-password-reset', { token, ...body });
    expect(expired.status).toBe(400);
    expect(expired.body.data.token.code).toBe('validation_invalid_token');

    const [header, payload, signature] = token.split('.');
    const forged = `${header}.${payload}.${signature!.slice(0, -4)}AAAA`;
    for (const bad of ['', 'garbage', forged, user.token, `${header}.e30.${signature}`]) {
      expect((await post('users', 'confirm-password-reset', { token: bad, ...body })).status).toBe(400);
      expect((await post('users', 'confirm-verification', { token: bad })).status).toBe(400);
      expect(
        (await post('users', 'confirm-email-change', { token: bad, password: user.password })).status,
      ).toBe(400);
    }

    const [fresh] = await requestMail('users', 'request-password-reset', { email: user.email });
    const resetToken = linkToken(fresh!, 'confirm-password-reset');
    tokens.add(resetToken);
    expect((await post('_superusers', 'confirm-password-reset', { token: resetToken, ...body })).status).toBe(
      400,
    );
    expect((await post('users', 'confirm-verification', { token: resetToken })).status).toBe(400);
    expect((await login(user.email, user.password)).status).toBe(200);
  });

  it('templates are overridable per collection, and record values are escaped in them', async () => {
    const patch = (body: unknown) =>
      server.request('PATCH', '/api/collections/users', { body, token: server.adminToken });
    const changed = await patch({
      verificationTemplate: {
        subject: 'Hello {RECORD:name} from {APP_NAME}',
        body: '<p>Dear {RECORD:name}, <a href="{ACTION_URL}">confirm</a></p>',
      },
    });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body.verificationTemplate).toMatchObject({
      subject: 'Hello {RECORD:name} from {APP_NAME}',
    });
    expect((await patch({ verificationTemplate: 'nope' })).status).toBe(400);
    try {
      const user = await signUp('<b>Bold</b>');
      const [mail] = await requestMail('users', 'request-verification', { email: user.email });
      expect(mail!.subject).toBe('Hello <b>Bold</b> from MailTest');
      expect(mail!.body).toContain('Dear &lt;b&gt;Bold&lt;/b&gt;,');
      const html = mail!.body.slice(mail!.body.indexOf('Content-Type: text/html'));
      expect(html).toContain('Dear &lt;b&gt;Bold&lt;/b&gt;,');
      expect(html).not.toContain('<b>');
      tokens.add(linkToken(mail!, 'confirm-verification'));
    } finally {
      const reset = await patch({ verificationTemplate: null });
      expect(reset.body.verificationTemplate).toBeUndefined();
    }
  });

  it('superusers reset their password through _superusers', async () => {
    const admin = await signUp('Root', '_superusers');
    const seen: string[] = [];
    cleanups.push(
      server.app.hooks.filter(
        'mailer.password_reset',
        (message: any) => ({ ...message, subject: 'Admin reset' }),
        {
          tags: ['_superusers'],
          priority: 10,
        },
      ),
      server.app.hooks.action('auth.password_reset.confirm', (meta: any) => void seen.push(meta.collection)),
    );
    const [mail] = await requestMail('_superusers', 'request-password-reset', { email: admin.email });
    expect(mail!.subject).toBe('Admin reset');
    const token = linkToken(mail!, 'confirm-password-reset');
    tokens.add(token);
    const body = { token, password: 'admin-new-password-1', passwordConfirm: 'admin-new-password-1' };
    expect((await post('users', 'confirm-password-reset', body)).status).toBe(400);
    expect((await post('_superusers', 'confirm-password-reset', body)).status).toBe(204);
    expect((await login(admin.email, 'admin-new-password-1', '_superusers')).status).toBe(200);
    await server.app.hooks.drain();
    expect(seen).toEqual(['_superusers']);
  });

  it('extensions send mail with Directus’ MailService and named templates', async () => {
    cleanups.push(
      server.app.services.mail.registerTemplate('item-created', {
        subject: 'New item in {{ collection }}',
        html: '<p>{{ projectName }}: a new item in {{ collection }} ({{ item.title }})</p>',
      }),
    );
    const { MailService } = server.app.services;
    const mailService = new MailService({ schema: server.app.schema });
    const before = smtp.received.length;
    const sent = await mailService.send({
      to: 'person@example.com',
      template: { name: 'item-created', data: { collection: 'recipes', item: { title: '<Soup>' } } },
    });
    expect(sent.accepted).toEqual(['person@example.com']);
    const [mail] = smtp.received.slice(before);
    expect(mail!.subject).toBe('New item in recipes');
    expect(mail!.body).toContain('MailTest: a new item in recipes (&lt;Soup&gt;)');
    expect(mail!.body).toContain('MailTest: a new item in recipes (<Soup>)');
    await expect(
      mailService.send({ to: 'person@example.com', template: { name: 'missing' } }),
    ).rejects.toMatchObject({
      status: 400,
    });
    await expect(
      mailService.send({ to: 'person@example.com', template: { name: '../secrets' } }),
    ).rejects.toMatchObject({
      status: 400,
    });
  });

  it('SMTP down: request endpoints still answer 204 and log; confirm endpoints are unaffected', async () => {
    const user = await signUp('Down');
    const [mail] = await requestMail('users', 'request-password-reset', { email: user.email });
    const token = linkToken(mail!, 'confirm-password-reset');
    tokens.add(token);
    expect((await settings({ smtp: { port: await closedPort() } })).status).toBe(200);
    try {
      const logged = lines.length;
      expect(await requestMail('users', 'request-password-reset', { email: user.email })).toEqual([]);
      expect(await requestMail('users', 'request-verification', { email: user.email })).toEqual([]);
      const failures = lines.slice(logged).filter((line) => line.includes('Mail could not be sent.'));
      expect(failures).toHaveLength(2);
      const confirmed = await post('users', 'confirm-password-reset', {
        token,
        password: 'down-password-1',
        passwordConfirm: 'down-password-1',
      });
      expect(confirmed.status).toBe(204);
      await expect(
        server.app.services.mail.send({ to: 'x@example.com', subject: 's', text: 't' }),
      ).rejects.toMatchObject({
        status: 503,
        code: 'SLUICE_ERR_MAIL_FAILED',
      });
    } finally {
      expect((await settings({ smtp: { port: smtp.port } })).status).toBe(200);
    }
  });

  it('SMTP disabled: requests answer 204 and log, extensions get a clear error', async () => {
    const user = await signUp('Disabled');
    expect((await settings({ smtp: { enabled: false } })).status).toBe(200);
    try {
      const logged = lines.length;
      expect(await requestMail('users', 'request-password-reset', { email: user.email })).toEqual([]);
      expect(lines.slice(logged).some((line) => line.includes('SMTP is disabled'))).toBe(true);
      await expect(
        server.app.services.mail.send({ to: 'x@example.com', subject: 's', text: 't' }),
      ).rejects.toMatchObject({
        status: 503,
        code: 'SLUICE_ERR_MAIL_DISABLED',
      });
    } finally {
      expect((await settings({ smtp: { enabled: true } })).status).toBe(200);
    }
  });

  it('rate limits the request endpoints', async () => {
    expect((await settings({ rateLimits: { maxAuthAttemptsPerMinute: 1 } })).status).toBe(200);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        statuses.push((await post('users', 'request-verification', { email: 'limit@example.com' })).status);
      }
      expect(statuses).toContain(429);
    } finally {
      expect((await settings({ rateLimits: { maxAuthAttemptsPerMinute: 20 } })).status).toBe(200);
    }
  });

  it('never logs tokens or passwords', () => {
    expect(tokens.size).toBeGreaterThan(5);
    const log = lines.join('\n');
    for (const token of tokens) expect(log).not.toContain(token);
    for (const secret of ['new-password-1', 'hooked-password-1', 'admin-new-password-1', ADMIN_PASSWORD]) {
      expect(log).not.toContain(secret);
    }
  });
});

describe.each(dialects)('the Directus example’s MailService (%s)', (dialect: Dialect) => {
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof smtpServer>>;
  let recipes: ReturnType<typeof createHttpServer>;

  beforeAll(async () => {
    smtp = await smtpServer();
    recipes = createHttpServer((request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(201).end());
    });
    await new Promise<void>((resolve) => recipes.listen(0, '127.0.0.1', resolve));
    const recipesUrl = `http://127.0.0.1:${(recipes.address() as AddressInfo).port}/recipes`;
    server = await startServer(dialect, {
      extensions: join(root, 'examples', 'directus'),
      env: { RECIPES_URL: recipesUrl },
    });
    await createCollection(server, {
      name: 'recipes',
      fields: [
        { name: 'name', type: 'text' },
        { name: 'syncedWithExample', type: 'bool' },
      ],
    });
  });

  afterAll(async () => {
    await server?.stop();
    await smtp?.close();
    await new Promise((resolve) => recipes?.close(resolve));
  });

  const createRecipe = (name: string) =>
    server.request('POST', '/api/collections/recipes/records', { body: { name }, token: server.adminToken });

  it('sends the item-created template from the example’s templates folder', async () => {
    const patched = await server.request('PATCH', '/api/settings', {
      token: server.adminToken,
      body: { smtp: { enabled: true, host: '127.0.0.1', port: smtp.port }, meta: { appName: 'Recipes' } },
    });
    expect(patched.status).toBe(200);
    const created = await createRecipe('Soup');
    expect(created.status, created.text).toBe(200);
    expect(created.body.syncedWithExample).toBe(true);
    expect(smtp.received.map((mail) => mail.to)).toEqual([['person@example.com']]);
    expect(smtp.received[0]!.body).toContain('A new item was created in <b>recipes</b> on Recipes.');
  });

  it('without mail set up, the example refuses the recipe with its 503', async () => {
    await server.request('PATCH', '/api/settings', {
      token: server.adminToken,
      body: { smtp: { enabled: false } },
    });
    const before = await server.count('recipes');
    const refused = await createRecipe('Cold soup');
    expect(refused.status).toBe(503);
    expect(await server.count('recipes')).toBe(before);
  });
});
