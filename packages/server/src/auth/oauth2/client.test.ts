import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withSecret } from '../../collections/auth-methods-options.ts';
import type { OAuth2ProviderConfig } from '../../collections/types.ts';
import { authorizationURL, exchangeCode, resolveProvider } from './client.ts';
import { providerDefinition, providerNames } from './providers.ts';

const config = (overrides: Partial<OAuth2ProviderConfig>): OAuth2ProviderConfig => ({
  name: 'google',
  clientId: 'client',
  authURL: '',
  tokenURL: '',
  userInfoURL: '',
  displayName: '',
  pkce: null,
  extra: {},
  ...overrides,
});

describe('OAuth2 providers', () => {
  it('knows PocketBase’s names for the providers', () => {
    expect(providerNames).toEqual(
      expect.arrayContaining(['google', 'github', 'gitlab', 'discord', 'facebook', 'microsoft', 'apple']),
    );
    expect(providerNames).toEqual(expect.arrayContaining(['linkedin', 'twitter', 'oidc', 'oidc2', 'oidc3']));
  });

  it('builds the authorization URL with sorted keys and an empty redirect_uri last', async () => {
    const provider = await resolveProvider(config({}));
    const url = authorizationURL(provider, { state: 'S', codeChallenge: 'C' });
    expect(url).toBe(
      'https://accounts.google.com/o/oauth2/v2/auth?client_id=client&code_challenge=C&code_challenge_method=S256&response_type=code&scope=https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fuserinfo.profile+https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fuserinfo.email&state=S&redirect_uri=',
    );
  });

  it('lets every URL be overridden, and PKCE be turned off', async () => {
    const provider = await resolveProvider(
      config({ name: 'apple', authURL: 'https://id.example/authorize', pkce: false, displayName: 'Mine' }),
    );
    expect(provider.displayName).toBe('Mine');
    const url = new URL(authorizationURL(provider, { state: 'S', codeChallenge: 'C' }));
    expect(url.origin + url.pathname).toBe('https://id.example/authorize');
    expect(url.searchParams.has('code_challenge')).toBe(false);
    expect(url.searchParams.get('response_mode')).toBe('form_post');
  });

  it('keeps an OpenID Connect email only when it is verified', () => {
    const oidc = providerDefinition('oidc')!;
    const claims = { sub: '1', email: 'a@example.com', name: 'A', preferred_username: 'a', picture: 'p' };
    expect(oidc.mapUser({ ...claims, email_verified: true })).toEqual({
      id: '1',
      name: 'A',
      username: 'a',
      email: 'a@example.com',
      avatarURL: 'p',
    });
    expect(oidc.mapUser({ ...claims, email_verified: false }).email).toBe('');
    expect(oidc.mapUser(claims).email).toBe('');
  });

  it('reads X’s nested user', () => {
    const user = providerDefinition('twitter')!.mapUser({ data: { id: '9', name: 'N', username: 'n' } });
    expect(user).toMatchObject({ id: '9', name: 'N', username: 'n', email: '' });
  });
});

describe('OAuth2 code exchange', () => {
  let server: Server;
  let base: string;
  const seen: string[] = [];

  beforeAll(async () => {
    // GitHub's token endpoint and API, as far as the exchange uses them
    server = createServer((request, response) => {
      seen.push(`${request.method} ${request.url} ${request.headers.authorization ?? ''}`);
      response.setHeader('content-type', 'application/json');
      if (request.url === '/login/oauth/access_token') {
        response.end(JSON.stringify({ access_token: 'the-token', token_type: 'bearer' }));
      } else if (request.url === '/user') {
        response.end(JSON.stringify({ id: 42, login: 'octo', name: 'Octo Cat', email: null }));
      } else if (request.url === '/user/emails') {
        response.end(
          JSON.stringify([
            { email: 'old@example.com', primary: false, verified: true },
            { email: 'octo@example.com', primary: true, verified: true },
          ]),
        );
      } else {
        response.statusCode = 404;
        response.end('{}');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('reads a GitHub address kept private from the list of addresses', async () => {
    const provider = await resolveProvider(
      withSecret(
        config({
          name: 'github',
          tokenURL: `${base}/login/oauth/access_token`,
          userInfoURL: `${base}/user`,
        }),
        'secret',
      ),
    );
    const result = await exchangeCode(provider, { code: 'c', codeVerifier: 'v', redirectURL: '' });
    expect(result.user).toMatchObject({
      id: '42',
      username: 'octo',
      name: 'Octo Cat',
      email: 'octo@example.com',
    });
    expect(result.accessToken).toBe('the-token');
    expect(seen).toEqual([
      `POST /login/oauth/access_token Basic ${Buffer.from('client:secret').toString('base64')}`,
      'GET /user Bearer the-token',
      'GET /user/emails Bearer the-token',
    ]);
  });
});
