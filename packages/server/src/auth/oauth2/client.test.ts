import { describe, expect, it } from 'vitest';
import type { OAuth2ProviderConfig } from '../../collections/types.ts';
import { authorizationURL, resolveProvider } from './client.ts';
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
