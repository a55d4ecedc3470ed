import { EventSource } from 'eventsource';
import PocketBase, { ClientResponseError } from 'pocketbase';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { directus } from '../packages/server/src/extensions/vocabularies/directus.ts';
import { pocketbase } from '../packages/server/src/extensions/vocabularies/pocketbase.ts';
import { qelos } from '../packages/server/src/extensions/vocabularies/qelos.ts';
import { type Dialect, dialects, signUp, startServer, type TestServer } from './helpers.ts';
import { CLIENT_ID, CLIENT_SECRET, followAuthorization, type OidcAccount, oidcServer } from './oidc.ts';

// OAuth2 end to end: a real OpenID Connect provider on 127.0.0.1 (oidc-provider) signs users in
// for the generic `oidc` provider (discovery, PKCE, a checked id_token) and for `linkedin` and
// `google` pointed at it, through the official SDK: `authWithOAuth2Code`, and the popup flow
// over realtime with a URL callback that plays the browser.

(globalThis as { EventSource?: unknown }).EventSource = EventSource;

let sequence = 0;
function account(name: string, verified = true): OidcAccount {
  sequence++;
  return {
    sub: `${name}-sub-${sequence}-${Math.random().toString(36).slice(2, 8)}`,
    email: `${name}-${sequence}-${Math.random().toString(36).slice(2, 8)}@example.com`,
    email_verified: verified,
    name: `${name} Example`,
    preferred_username: name,
  };
}

describe.each(dialects)('OAuth2 (%s)', (dialect: Dialect) => {
  let server: TestServer;
  let op: Awaited<ReturnType<typeof oidcServer>>;
  let redirectURL: string;
  const cleanups: (() => void)[] = [];

  const vocabularyContext = () => ({
    hooks: server.app.hooks,
    catalogue: server.app.catalogue,
    owner: 'test',
    logger: server.app.logger,
    dispatch: () => {
      throw new Error('No custom events in this test.');
    },
  });
  const sdk = () => new PocketBase(server.url);
  const endpoints = () => ({
    authURL: `${op.issuer}/auth`,
    tokenURL: `${op.issuer}/token`,
    userInfoURL: `${op.issuer}/me`,
  });
  const providers = (googleSecret = CLIENT_SECRET) => [
    { name: 'oidc', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, extra: { issuer: op.issuer } },
    { name: 'linkedin', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, ...endpoints() },
    { name: 'google', clientId: CLIENT_ID, clientSecret: googleSecret, ...endpoints() },
    { name: 'oidc2', clientId: CLIENT_ID, clientSecret: 'not-the-secret', ...endpoints() },
    {
      name: 'oidc3',
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      authURL: `${op.issuer}/auth`,
      tokenURL: `${op.issuer}/token`,
      extra: { jwksURL: `${op.issuer}/jwks`, issuers: [op.issuer] },
    },
  ];
  const patchUsers = (body: Record<string, unknown>) =>
    server.request('PATCH', '/api/collections/users', { token: server.adminToken, body });

  /** Signs `who` in with a provider through `authWithOAuth2Code`, as a client with its own redirect. */
  async function signInWithCode(
    provider: string,
    who: OidcAccount,
    client = sdk(),
    scopes?: string,
    createData: Record<string, unknown> = { name: 'From createData' },
  ) {
    op.signInAs(who);
    const methods = await client.collection('users').listAuthMethods();
    const method = methods.oauth2.providers.find((candidate) => candidate.name === provider);
    if (!method) throw new Error(`${provider} is not offered.`);
    const url = new URL(method.authURL + encodeURIComponent(redirectURL));
    if (scopes) url.searchParams.set('scope', scopes);
    const back = await followAuthorization(url.toString(), redirectURL);
    expect(back.searchParams.get('state')).toBe(method.state);
    return client
      .collection('users')
      .authWithOAuth2Code(
        provider,
        back.searchParams.get('code') ?? '',
        method.codeVerifier,
        redirectURL,
        createData,
      );
  }

  beforeAll(async () => {
    server = await startServer(dialect);
    redirectURL = `${server.url}/api/oauth2-redirect`;
    op = await oidcServer([redirectURL]);
    const patched = await patchUsers({
      oauth2: { enabled: true, mappedFields: { name: 'name' }, providers: providers() },
    });
    expect(patched.status, patched.text).toBe(200);
  });

  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  afterAll(async () => {
    await server?.stop();
    await op?.close();
  });

  it('keeps provider secrets out of the collections API and validates the options, naming the field', async () => {
    const view = await server.request('GET', '/api/collections/users', { token: server.adminToken });
    expect(view.status).toBe(200);
    expect(view.body.oauth2.providers.map((provider: { name: string }) => provider.name)).toEqual([
      'oidc',
      'linkedin',
      'google',
      'oidc2',
      'oidc3',
    ]);
    expect(view.text).not.toContain(CLIENT_SECRET);
    expect(view.body.oauth2.providers[1]).toMatchObject({
      clientId: CLIENT_ID,
      authURL: `${op.issuer}/auth`,
    });
    expect(view.body.otp).toMatchObject({ enabled: false, duration: 180, length: 8 });
    expect(view.body.mfa).toMatchObject({ enabled: false, duration: 1800, rule: '' });

    const unknown = await patchUsers({
      oauth2: { providers: [{ name: 'myspace', clientId: 'x', clientSecret: 'y' }] },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.data['oauth2.providers.0.name'].code).toBe('validation_invalid_provider');
    const noId = await patchUsers({ oauth2: { providers: [{ name: 'github', clientSecret: 'y' }] } });
    expect(noId.status).toBe(400);
    expect(Object.keys(noId.body.data)).toEqual(['oauth2.providers.0.clientId']);
    const badField = await patchUsers({ oauth2: { mappedFields: { avatarURL: 'nope' } } });
    expect(badField.status).toBe(400);
    expect(badField.body.data['oauth2.mappedFields.avatarURL'].code).toBe('validation_unknown_field');
    const badOtp = await patchUsers({ otp: { duration: -1 } });
    expect(badOtp.status).toBe(400);
    expect(Object.keys(badOtp.body.data)).toEqual(['otp.duration']);

    // providers sent back without their secrets keep the stored ones
    const resent = await patchUsers({ oauth2: { providers: view.body.oauth2.providers } });
    expect(resent.status, resent.text).toBe(200);
    const signedIn = await signInWithCode('linkedin', account('resent'));
    expect(signedIn.meta?.isNew).toBe(true);
  });

  it('lists the providers in SDK 0.28’s shape, each with its state and PKCE pair', async () => {
    const methods = await sdk().collection('users').listAuthMethods();
    expect(methods.oauth2.enabled).toBe(true);
    const oidc = methods.oauth2.providers.find((provider) => provider.name === 'oidc');
    expect(oidc).toMatchObject({ displayName: 'OpenID Connect', codeChallengeMethod: 'S256' });
    expect(oidc?.state).toMatch(/^[A-Za-z0-9]{30}$/);
    expect(oidc?.authURL.startsWith(`${op.issuer}/auth?`)).toBe(true);
    expect(oidc?.authURL.endsWith('&redirect_uri=')).toBe(true);
    const query = new URL(oidc?.authURL ?? '').searchParams;
    expect(query.get('code_challenge')).toBe(oidc?.codeChallenge);
    expect(query.get('scope')).toBe('openid email profile');
    expect(methods.otp).toEqual({ enabled: false, duration: 0 });
  });

  it('signs a new user up with the generic OIDC provider, then finds the linked user again', async () => {
    const seen: unknown[] = [];
    cleanups.push(
      server.app.hooks.filter('auth.oauth2', (payload) => {
        seen.push({ filter: payload.isNewRecord, provider: payload.provider });
      }),
      server.app.hooks.action('auth.oauth2', (meta) => {
        seen.push({ action: meta.payload?.isNewRecord, provider: meta.provider, user: meta.user?.email });
      }),
    );
    const who = account('alice');
    const client = sdk();
    const first = await signInWithCode('oidc', who, client);
    expect(first.meta).toMatchObject({ isNew: true, id: who.sub, email: who.email, name: who.name });
    expect(first.meta?.rawUser).toMatchObject({ sub: who.sub, email_verified: true });
    expect(first.record).toMatchObject({ email: who.email, verified: true, name: 'From createData' });
    expect(client.authStore.isValid).toBe(true);

    const again = await signInWithCode('oidc', who);
    expect(again.meta?.isNew).toBe(false);
    expect(again.record.id).toBe(first.record.id);
    await server.app.hooks.drain();
    expect(seen).toEqual([
      { filter: true, provider: 'oidc' },
      { action: true, provider: 'oidc', user: who.email },
      { filter: false, provider: 'oidc' },
      { action: false, provider: 'oidc', user: who.email },
    ]);

    const links = await server.request(
      'GET',
      `/api/collections/users/records/${first.record.id}/external-auths`,
      {
        token: first.token,
      },
    );
    expect(links.status).toBe(200);
    expect(links.body).toMatchObject([{ provider: 'oidc', providerId: who.sub, recordRef: first.record.id }]);
    // the owner may delete its link through the records API too
    await client.collection('_externalAuths').delete(links.body[0].id);
    expect(await client.collection('_externalAuths').getFullList()).toEqual([]);
  });

  it('fetches the provider’s picture into the file field mappedFields.avatarURL names', async () => {
    const users = await server.request('GET', '/api/collections/users', { token: server.adminToken });
    const avatarField = { name: 'avatar', type: 'file', maxSelect: 1, mimeTypes: ['image/png'] };
    const patched = await patchUsers({
      fields: [...users.body.fields, avatarField],
      oauth2: { mappedFields: { name: 'name', avatarURL: 'avatar' } },
    });
    expect(patched.status, patched.text).toBe(200);
    try {
      const png = await sharp({
        create: { width: 4, height: 4, channels: 3, background: { r: 10, g: 120, b: 200 } },
      })
        .png()
        .toBuffer();
      const pictured = { ...account('pictured'), picture: op.servePicture('/pictures/portrait.png', png) };
      const signed = await signInWithCode('oidc', pictured);
      expect(signed.record.avatar).toMatch(/^portrait_[a-z0-9]{10}\.png$/);
      const served = await fetch(
        new URL(`/api/files/users/${signed.record.id}/${signed.record.avatar}`, server.url),
      );
      expect(served.status).toBe(200);
      expect(Buffer.from(await served.arrayBuffer())).toEqual(png);

      // a picture that cannot be fetched, or that the field refuses, does not stop the sign-up
      const unpictured = { ...account('unpictured'), picture: `${op.issuer}/pictures/missing.png` };
      const second = await signInWithCode('oidc', unpictured);
      expect(second.record.email).toBe(unpictured.email);
      expect(second.record.avatar).toBe('');
      const script = op.servePicture('/pictures/script.png', Buffer.from('#!/bin/sh\necho hi\n'));
      const refused = await signInWithCode('oidc', { ...account('scripted'), picture: script });
      expect(refused.record.avatar).toBe('');
    } finally {
      await patchUsers({ oauth2: { mappedFields: { name: 'name', avatarURL: '' } } });
    }
  });

  it('keeps an email only when the provider says it is verified', async () => {
    const who = account('unverified', false);
    // the users' email is required: without a verified one from the provider, createData must bring it
    await expect(signInWithCode('oidc', who)).rejects.toMatchObject({ status: 400 });
    const email = `own-${who.email}`;
    const signedIn = await signInWithCode('oidc', account('unverified', false), sdk(), undefined, { email });
    expect(signedIn.meta?.email).toBe('');
    expect(signedIn.record).toMatchObject({ email, verified: false });

    // whoever signed up that way may not own the address: its owner signing in with a provider
    // that vouches for it takes the record over, and the first link goes
    const owner = { ...account('owner'), email };
    const takenOver = await signInWithCode('linkedin', owner);
    expect(takenOver.record).toMatchObject({ id: signedIn.record.id, verified: true });
    const links = await server.request(
      'GET',
      `/api/collections/users/records/${signedIn.record.id}/external-auths`,
      { token: takenOver.token },
    );
    expect(links.body.map((link: { provider: string }) => link.provider)).toEqual(['linkedin']);
  });

  it('reads the user from the id_token, checked against the provider’s keys, without a user-info URL', async () => {
    const who = account('claims');
    const email = `own-${who.email}`;
    const signedIn = await signInWithCode('oidc3', who, sdk(), undefined, { email });
    expect(signedIn.meta).toMatchObject({ id: who.sub, isNew: true });
    expect(signedIn.meta?.rawUser).toMatchObject({ sub: who.sub, iss: op.issuer, aud: CLIENT_ID });
    expect(signedIn.record.email).toBe(email);
  });

  it('links a provider account to the user with the same verified email, guarding against takeover', async () => {
    const password = 'password-123456';
    const who = account('bob');
    const created = await server.request('POST', '/api/collections/users/records', {
      body: { email: who.email, password, passwordConfirm: password, name: 'Bob' },
    });
    expect(created.status, created.text).toBe(200);
    expect(created.body.verified).toBe(false);

    const signedIn = await signInWithCode('linkedin', who);
    expect(signedIn.record.id).toBe(created.body.id);
    expect(signedIn.meta?.isNew).toBe(false);
    expect(signedIn.record.verified).toBe(true);
    // whoever set that password may not own the address: it no longer signs in
    const withPassword = await server.request('POST', '/api/collections/users/auth-with-password', {
      body: { identity: who.email, password },
    });
    expect(withPassword.status).toBe(400);
  });

  it('keeps the password of a verified user whose email matches', async () => {
    const password = 'password-123456';
    const who = account('carol');
    const created = await server.request('POST', '/api/collections/users/records', {
      token: server.adminToken,
      body: { email: who.email, password, passwordConfirm: password, verified: true },
    });
    expect(created.status, created.text).toBe(200);
    const signedIn = await signInWithCode('oidc', who);
    expect(signedIn.record.id).toBe(created.body.id);
    const withPassword = await server.request('POST', '/api/collections/users/auth-with-password', {
      body: { identity: who.email, password },
    });
    expect(withPassword.status).toBe(200);
  });

  it('links the signed-in user, lists and unlinks the accounts through both APIs', async () => {
    const user = await signUp(server, 'linker');
    const client = sdk();
    client.authStore.save(user.token);
    const who = account('linked');
    const linked = await signInWithCode('linkedin', who, client);
    expect(linked.record.id).toBe(user.id);

    const events: string[] = [];
    const pb = pocketbase(vocabularyContext());
    cleanups.push(
      pb.onRecordListExternalAuthsRequest!((e) => {
        events.push(`list ${(e.externalAuths as unknown[]).length} ${e.record?.id}`);
      }, 'users'),
      pb.onRecordBeforeUnlinkExternalAuthRequest!((e) => {
        events.push(`before ${(e.externalAuth as { provider: string }).provider}`);
      }, 'users'),
      pb.onRecordAfterUnlinkExternalAuthRequest!((e) => {
        events.push(`after ${(e.externalAuth as { provider: string }).provider}`);
      }, 'users'),
    );
    const owned = await client.collection('_externalAuths').getFullList();
    expect(owned.map((row) => [row.provider, row.providerId])).toEqual([['linkedin', who.sub]]);
    const other = await signUp(server, 'other');
    const foreign = await server.request('GET', `/api/collections/users/records/${user.id}/external-auths`, {
      token: other.token,
    });
    expect(foreign.status).toBe(403);
    const listed = await server.request('GET', `/api/collections/users/records/${user.id}/external-auths`, {
      token: user.token,
    });
    expect(listed.body.map((row: { provider: string }) => row.provider)).toEqual(['linkedin']);
    const unlinked = await server.request(
      'DELETE',
      `/api/collections/users/records/${user.id}/external-auths/linkedin`,
      { token: user.token },
    );
    expect(unlinked.status).toBe(204);
    await server.app.hooks.drain();
    expect(events).toEqual([`list 1 ${user.id}`, 'before linkedin', 'after linkedin']);
    expect(await client.collection('_externalAuths').getFullList()).toEqual([]);
    const missing = await server.request(
      'DELETE',
      `/api/collections/users/records/${user.id}/external-auths/linkedin`,
      { token: user.token },
    );
    expect(missing.status).toBe(404);
  });

  it('lets a filter link another record than the one found', async () => {
    const target = await signUp(server, 'target');
    const pb = pocketbase(vocabularyContext());
    cleanups.push(
      pb.onRecordBeforeAuthWithOAuth2Request!((e) => {
        expect(e.providerName).toBe('oidc');
        expect((e.oAuth2User as { name: string }).name).toContain('redirected');
        e.record = { id: target.id } as never;
      }, 'users'),
    );
    const signedIn = await signInWithCode('oidc', account('redirected'));
    expect(signedIn.record.id).toBe(target.id);
    expect(signedIn.meta?.isNew).toBe(false);
  });

  it('emits auth.oauth2.fail once, tagged with the provider, when the token exchange fails', async () => {
    const failures: unknown[] = [];
    const qelosFailures: unknown[] = [];
    const directusLogins: unknown[] = [];
    cleanups.push(
      directus(vocabularyContext()).action('auth.login', (meta) => {
        directusLogins.push([meta.provider, meta.status]);
      }),
      server.app.hooks.action('auth.oauth2.fail', (meta) => void failures.push([meta.provider, meta.error]), {
        tags: ['oidc2'],
      }),
      qelos(vocabularyContext()).registerToHook(
        { source: 'auth', kind: 'failed-social-login', eventName: '*' },
        (req) => void qelosFailures.push(req.body.eventName),
      ),
    );
    await expect(signInWithCode('oidc2', account('failing'))).rejects.toMatchObject({ status: 400 });
    expect(await patchUsers({ oauth2: { providers: providers('wrong-google-secret') } })).toMatchObject({
      status: 200,
    });
    try {
      await expect(
        signInWithCode('google', account('failing'), sdk(), 'openid email profile'),
      ).rejects.toBeInstanceOf(ClientResponseError);
    } finally {
      expect((await patchUsers({ oauth2: { providers: providers() } })).status).toBe(200);
    }
    await server.app.hooks.drain();
    expect(failures).toHaveLength(1);
    expect(failures[0]).toEqual(['oidc2', expect.stringContaining('refused')]);
    expect(qelosFailures).toEqual(['failed-google-login']);
    expect(directusLogins).toEqual([
      ['oidc2', 'fail'],
      ['google', 'fail'],
    ]);
  });

  it('runs the popup flow over realtime with a URL callback that plays the browser', async () => {
    const who = account('popup');
    op.signInAs(who);
    const pages: string[] = [];
    const client = sdk();
    const signedIn = await client.collection('users').authWithOAuth2({
      provider: 'google',
      scopes: ['openid', 'email', 'profile'],
      createData: { name: 'Popup' },
      urlCallback: async (url) => {
        const back = await followAuthorization(url, redirectURL);
        const landed = await fetch(back, { redirect: 'manual' });
        pages.push(landed.headers.get('location') ?? '');
      },
    });
    expect(pages).toEqual(['/api/oauth2-redirect/success']);
    expect(signedIn.record).toMatchObject({ email: who.email, name: 'Popup', verified: true });
    expect(signedIn.meta?.isNew).toBe(true);
    expect(client.authStore.record?.id).toBe(signedIn.record.id);
    const success = await server.request('GET', '/api/oauth2-redirect/success');
    expect(success.headers.get('content-type')).toContain('text/html');
  });

  it('sends the browser to the failure page when no client waits for the state', async () => {
    const landed = await fetch(`${redirectURL}?state=nobody&code=x`, { redirect: 'manual' });
    expect(landed.status).toBe(307);
    expect(landed.headers.get('location')).toBe('/api/oauth2-redirect/failure');
    const posted = await fetch(redirectURL, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'state=nobody&code=x',
    });
    expect(posted.status).toBe(303);
  });

  it('lets superusers impersonate with a token that cannot be refreshed', async () => {
    const user = await signUp(server, 'impersonated');
    const refused = await server.request('POST', `/api/collections/users/impersonate/${user.id}`, {
      token: user.token,
      body: {},
    });
    expect(refused.status).toBe(403);
    const admin = sdk();
    admin.authStore.save(server.adminToken);
    const impersonating = await admin.collection('users').impersonate(user.id, 60);
    expect(impersonating.authStore.record?.id).toBe(user.id);
    const record = await impersonating.collection('users').getOne(user.id);
    expect(record.id).toBe(user.id);
    const claims = JSON.parse(
      Buffer.from(impersonating.authStore.token.split('.')[1]!, 'base64url').toString(),
    );
    expect(claims.refreshable).toBe(false);
    expect(claims.exp - claims.iat).toBe(60);
    await expect(impersonating.collection('users').authRefresh()).rejects.toMatchObject({ status: 403 });
  });
});
