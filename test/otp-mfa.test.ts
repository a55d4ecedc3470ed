import PocketBase, { ClientResponseError } from 'pocketbase';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pocketbase } from '../packages/server/src/extensions/vocabularies/pocketbase.ts';
import { type Dialect, dialects, startServer, type TestServer } from './helpers.ts';
import { type Mail, smtpServer } from './smtp.ts';

// One-time passwords by mail and multi-factor authentication, through the official SDK, with a
// real SMTP server on 127.0.0.1 receiving the passwords.

describe.each(dialects)('one-time passwords and MFA (%s)', (dialect: Dialect) => {
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof smtpServer>>;
  const cleanups: (() => void)[] = [];
  const password = 'password-123456';

  const sdk = () => new PocketBase(server.url);
  const patchUsers = (body: Record<string, unknown>) =>
    server.request('PATCH', '/api/collections/users', { token: server.adminToken, body });

  async function createUser(name: string, verified = false) {
    const email = `${name}-${Math.random().toString(36).slice(2, 8)}@example.com`;
    const created = await server.request('POST', '/api/collections/users/records', {
      token: server.adminToken,
      body: { email, password, passwordConfirm: password, name, verified },
    });
    expect(created.status, created.text).toBe(200);
    return { id: created.body.id as string, email };
  }

  /** The one-time password of the last mail to `to`. */
  async function passwordMailedTo(to: string): Promise<{ mail: Mail; code: string }> {
    await server.app.services.mail.idle();
    const mail = smtp.received.filter((received) => received.to.includes(to)).at(-1);
    if (!mail) throw new Error(`No mail to ${to}.`);
    const code = /<strong>(\d+)<\/strong>/.exec(mail.body)?.[1];
    if (!code) throw new Error(`No password in:\n${mail.body}`);
    return { mail, code };
  }

  beforeAll(async () => {
    smtp = await smtpServer();
    server = await startServer(dialect);
    const settings = await server.request('PATCH', '/api/settings', {
      token: server.adminToken,
      body: {
        smtp: { enabled: true, host: '127.0.0.1', port: smtp.port },
        meta: { appName: 'OtpTest', senderName: 'OTP', senderAddress: 'noreply@example.test' },
      },
    });
    expect(settings.status, settings.text).toBe(200);
    expect((await patchUsers({ otp: { enabled: true, length: 6 } })).status).toBe(200);
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) cleanup();
    expect((await patchUsers({ mfa: { enabled: false } })).status).toBe(200);
  });

  afterAll(async () => {
    await server?.stop();
    await smtp?.close();
  });

  it('mails a one-time password that signs in once and verifies the address', async () => {
    const user = await createUser('otp');
    const events: string[] = [];
    const pb = pocketbase({
      hooks: server.app.hooks,
      catalogue: server.app.catalogue,
      owner: 'test',
      logger: server.app.logger,
      dispatch: () => {
        throw new Error('No custom events in this test.');
      },
    });
    cleanups.push(
      pb.onRecordRequestOTPRequest!((e) => void events.push(`request ${e.record?.id}`), 'users'),
      pb.onMailerRecordOTPSend!((e) => {
        events.push(`mail ${(e.meta as { otpId: string }).otpId}`);
        e.message.subject = `${e.message.subject} (hooked)`;
      }, 'users'),
      pb.onRecordAuthWithOTPRequest!((e) => void events.push(`auth ${e.record?.id}`), 'users'),
      server.app.hooks.action('auth.otp', (meta) => void events.push(`signed in ${meta.otpId}`)),
    );
    const methods = await sdk().collection('users').listAuthMethods();
    expect(methods.otp).toEqual({ enabled: true, duration: 180 });

    const client = sdk();
    const { otpId } = await client.collection('users').requestOTP(user.email);
    const { mail, code } = await passwordMailedTo(user.email);
    expect(code).toHaveLength(6);
    expect(mail.subject).toBe('OTP for OtpTest (hooked)');
    await expect(client.collection('users').authWithOTP(otpId, '000000x')).rejects.toMatchObject({
      status: 400,
    });
    const signedIn = await client.collection('users').authWithOTP(otpId, code);
    expect(signedIn.record).toMatchObject({ id: user.id, verified: true });
    expect(client.authStore.isValid).toBe(true);
    // used up
    await expect(sdk().collection('users').authWithOTP(otpId, code)).rejects.toMatchObject({ status: 400 });
    await server.app.hooks.drain();
    expect(events).toEqual([`request ${user.id}`, `mail ${otpId}`, `auth ${user.id}`, `signed in ${otpId}`]);
  });

  it('removes a record’s expired one-time passwords when it asks for a new one', async () => {
    const user = await createUser('expired');
    const old = '2000-01-01 00:00:00.000Z';
    await server.app.database.db
      .insertInto('_otps')
      .values({
        id: 'expiredotp00001',
        collectionRef: '_pb_users_auth_',
        recordRef: user.id,
        password: 'not-a-hash',
        sentTo: user.email,
        created: old,
        updated: old,
      })
      .execute();
    const { otpId } = await sdk().collection('users').requestOTP(user.email);
    const rows = await server.app.database.db
      .selectFrom('_otps')
      .select('id')
      .where('recordRef', '=', user.id)
      .execute();
    expect(rows.map((row) => row.id)).toEqual([otpId]);
    await passwordMailedTo(user.email);
    await expect(sdk().collection('users').authWithOTP('expiredotp00001', '12345678')).rejects.toMatchObject({
      status: 400,
    });
  });

  it('answers an unknown address as a known one, and mails nothing', async () => {
    const before = smtp.received.length;
    const { otpId } = await sdk().collection('users').requestOTP('nobody-here@example.com');
    expect(otpId).toMatch(/^[a-z0-9]{15}$/);
    await server.app.services.mail.idle();
    expect(smtp.received.length).toBe(before);
    await expect(sdk().collection('users').authWithOTP(otpId, '123456')).rejects.toMatchObject({
      status: 400,
    });
  });

  it('asks for a second method when MFA is on: a password, then a one-time password with the mfaId', async () => {
    const user = await createUser('mfa', true);
    const challenges: unknown[] = [];
    cleanups.push(
      server.app.hooks.action(
        'auth.mfa',
        (meta) => void challenges.push([meta.record?.id, meta.method, meta.mfaId]),
      ),
    );
    expect((await patchUsers({ mfa: { enabled: true, duration: 600 } })).status).toBe(200);
    const client = sdk();
    const first = await client
      .collection('users')
      .authWithPassword(user.email, password)
      .catch((error: unknown) => error);
    expect(first).toBeInstanceOf(ClientResponseError);
    expect((first as ClientResponseError).status).toBe(401);
    const mfaId = (first as ClientResponseError).response.mfaId as string;
    expect(mfaId).toMatch(/^[a-z0-9]{15}$/);
    expect(client.authStore.isValid).toBe(false);

    // an MFA session is its record's only
    const other = await createUser('other', true);
    await expect(
      client.collection('users').authWithPassword(other.email, password, { mfaId }),
    ).rejects.toMatchObject({ status: 400, message: 'Invalid MFA session.' });
    // the same method twice is no second factor
    await expect(
      client.collection('users').authWithPassword(user.email, password, { mfaId }),
    ).rejects.toMatchObject({ status: 400 });

    const { otpId } = await client.collection('users').requestOTP(user.email);
    const { code } = await passwordMailedTo(user.email);
    const signedIn = await client.collection('users').authWithOTP(otpId, code, { mfaId });
    expect(signedIn.record.id).toBe(user.id);
    expect(client.authStore.isValid).toBe(true);
    await server.app.hooks.drain();
    expect(challenges).toEqual([[user.id, 'password', mfaId]]);
    // the MFA session is used up
    await expect(
      sdk().collection('users').authWithPassword(user.email, password, { mfaId }),
    ).rejects.toMatchObject({ status: 400 });
  });

  it('applies MFA only to the records its rule matches', async () => {
    const exempt = await createUser('exempt', true);
    expect((await patchUsers({ mfa: { enabled: true, rule: "name = 'strict'" } })).status).toBe(200);
    const signedIn = await sdk().collection('users').authWithPassword(exempt.email, password);
    expect(signedIn.record.id).toBe(exempt.id);
    const strict = await createUser('strict', true);
    await expect(sdk().collection('users').authWithPassword(strict.email, password)).rejects.toMatchObject({
      status: 401,
    });
  });

  it('limits one-time password requests like password sign-ins', async () => {
    const limit = (maxAuthAttemptsPerMinute: number) =>
      server.request('PATCH', '/api/settings', {
        token: server.adminToken,
        body: { rateLimits: { maxAuthAttemptsPerMinute } },
      });
    expect((await limit(1)).status).toBe(200);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 2; i++) {
        const response = await server.request('POST', '/api/collections/users/request-otp', {
          body: { email: 'limited@example.com' },
        });
        statuses.push(response.status);
      }
      expect(statuses.at(-1)).toBe(429);
    } finally {
      expect((await limit(20)).status).toBe(200);
    }
  });

  it('refuses one-time passwords on a collection that does not enable them', async () => {
    const response = await server.request('POST', '/api/collections/_superusers/request-otp', {
      body: { email: 'admin@example.com' },
    });
    expect(response.status).toBe(403);
  });
});
