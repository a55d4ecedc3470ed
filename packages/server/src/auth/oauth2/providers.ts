/**
 * The OAuth2 providers an auth collection may enable, under PocketBase's names, with their
 * default endpoints, scopes and the way their user-info answer maps to an OAuth2 user. Every URL
 * can be overridden per collection (`authURL`, `tokenURL`, `userInfoURL`).
 */

/** The user a provider answers with, in PocketBase's shape (`meta` of the auth response). */
export interface OAuth2User {
  id: string;
  name: string;
  username: string;
  /** Set only when the provider vouches for it (verified). */
  email: string;
  avatarURL: string;
  rawUser: Record<string, unknown>;
}

export interface ProviderDefinition {
  name: string;
  displayName: string;
  authURL: string;
  tokenURL: string;
  userInfoURL: string;
  scopes: string[];
  pkce: boolean;
  /** OpenID Connect: discovery (`extra.issuer`), id_token checks, `email_verified`. */
  oidc?: boolean;
  /** Apple answers on the redirect with a form POST. */
  formPost?: boolean;
  /** Claims come from the id_token, checked against these keys (no user-info endpoint). */
  jwksURL?: string;
  issuers?: string[];
  mapUser(raw: Record<string, unknown>): Omit<OAuth2User, 'rawUser'>;
  /** Reads what the user-info answer leaves out from the provider's API (`get` sends the token). */
  completeUser?(
    raw: Record<string, unknown>,
    get: (url: string) => Promise<unknown>,
    userInfoURL: string,
  ): Promise<Record<string, unknown>>;
}

const text = (value: unknown): string =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';

const verified = (value: unknown): boolean => value === true || value === 'true';

/** The claims of an OpenID Connect user: the email only when `email_verified` says so. */
function mapClaims(raw: Record<string, unknown>): Omit<OAuth2User, 'rawUser'> {
  return {
    id: text(raw.sub),
    name: text(raw.name),
    username: text(raw.preferred_username),
    email: verified(raw.email_verified) ? text(raw.email) : '',
    avatarURL: text(raw.picture),
  };
}

const oidc = (name: string): ProviderDefinition => ({
  name,
  displayName: 'OpenID Connect',
  authURL: '',
  tokenURL: '',
  userInfoURL: '',
  scopes: ['openid', 'email', 'profile'],
  pkce: true,
  oidc: true,
  mapUser: mapClaims,
});

const definitions: ProviderDefinition[] = [
  {
    name: 'google',
    displayName: 'Google',
    authURL: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenURL: 'https://oauth2.googleapis.com/token',
    userInfoURL: 'https://www.googleapis.com/oauth2/v3/userinfo',
    scopes: [
      'https://www.googleapis.com/auth/userinfo.profile',
      'https://www.googleapis.com/auth/userinfo.email',
    ],
    pkce: true,
    mapUser: mapClaims,
  },
  {
    name: 'github',
    displayName: 'GitHub',
    authURL: 'https://github.com/login/oauth/authorize',
    tokenURL: 'https://github.com/login/oauth/access_token',
    userInfoURL: 'https://api.github.com/user',
    scopes: ['read:user', 'user:email'],
    pkce: true,
    // an address its owner keeps private is read from the list of addresses: the primary
    // one, if verified
    async completeUser(raw, get, userInfoURL) {
      if (text(raw.email) !== '') return raw;
      const emails = await get(`${userInfoURL.replace(/\/+$/, '')}/emails`);
      const primary = Array.isArray(emails)
        ? (emails as Record<string, unknown>[]).find(
            (entry) => entry.primary === true && entry.verified === true,
          )
        : undefined;
      return primary ? { ...raw, email: text(primary.email) } : raw;
    },
    mapUser: (raw) => ({
      id: text(raw.id),
      name: text(raw.name),
      username: text(raw.login),
      email: text(raw.email),
      avatarURL: text(raw.avatar_url),
    }),
  },
  {
    name: 'gitlab',
    displayName: 'GitLab',
    authURL: 'https://gitlab.com/oauth/authorize',
    tokenURL: 'https://gitlab.com/oauth/token',
    userInfoURL: 'https://gitlab.com/api/v4/user',
    scopes: ['read_user'],
    pkce: true,
    mapUser: (raw) => ({
      id: text(raw.id),
      name: text(raw.name),
      username: text(raw.username),
      email: text(raw.email),
      avatarURL: text(raw.avatar_url),
    }),
  },
  {
    name: 'discord',
    displayName: 'Discord',
    authURL: 'https://discord.com/api/oauth2/authorize',
    tokenURL: 'https://discord.com/api/oauth2/token',
    userInfoURL: 'https://discord.com/api/users/@me',
    scopes: ['identify', 'email'],
    pkce: true,
    mapUser: (raw) => ({
      id: text(raw.id),
      name: text(raw.global_name) || text(raw.username),
      username: text(raw.username),
      email: verified(raw.verified) ? text(raw.email) : '',
      avatarURL: raw.avatar
        ? `https://cdn.discordapp.com/avatars/${text(raw.id)}/${text(raw.avatar)}.png`
        : '',
    }),
  },
  {
    name: 'facebook',
    displayName: 'Facebook',
    authURL: 'https://www.facebook.com/v17.0/dialog/oauth',
    tokenURL: 'https://graph.facebook.com/v17.0/oauth/access_token',
    userInfoURL: 'https://graph.facebook.com/me?fields=name,email,picture.type(large)',
    scopes: ['email'],
    pkce: true,
    // Facebook returns only confirmed addresses
    mapUser: (raw) => {
      const picture = (raw.picture as { data?: { url?: unknown } } | undefined)?.data?.url;
      return {
        id: text(raw.id),
        name: text(raw.name),
        username: '',
        email: text(raw.email),
        avatarURL: text(picture),
      };
    },
  },
  {
    name: 'microsoft',
    displayName: 'Microsoft',
    authURL: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
    tokenURL: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
    userInfoURL: 'https://graph.microsoft.com/v1.0/me',
    scopes: ['User.Read'],
    pkce: true,
    mapUser: (raw) => ({
      id: text(raw.id),
      name: text(raw.displayName),
      username: '',
      email: text(raw.mail),
      avatarURL: '',
    }),
  },
  {
    name: 'apple',
    displayName: 'Apple',
    authURL: 'https://appleid.apple.com/auth/authorize',
    tokenURL: 'https://appleid.apple.com/auth/token',
    userInfoURL: '',
    scopes: ['name', 'email'],
    pkce: true,
    formPost: true,
    jwksURL: 'https://appleid.apple.com/auth/keys',
    issuers: ['https://appleid.apple.com'],
    mapUser: mapClaims,
  },
  {
    name: 'linkedin',
    displayName: 'LinkedIn',
    authURL: 'https://www.linkedin.com/oauth/v2/authorization',
    tokenURL: 'https://www.linkedin.com/oauth/v2/accessToken',
    userInfoURL: 'https://api.linkedin.com/v2/userinfo',
    scopes: ['openid', 'profile', 'email'],
    pkce: true,
    mapUser: mapClaims,
  },
  {
    name: 'twitter',
    displayName: 'X/Twitter',
    authURL: 'https://twitter.com/i/oauth2/authorize',
    tokenURL: 'https://api.twitter.com/2/oauth2/token',
    userInfoURL: 'https://api.twitter.com/2/users/me?user.fields=id,name,username,profile_image_url',
    scopes: ['users.read', 'tweet.read'],
    pkce: true,
    // X gives no email address
    mapUser: (raw) => {
      const data = (raw.data ?? {}) as Record<string, unknown>;
      return {
        id: text(data.id),
        name: text(data.name),
        username: text(data.username),
        email: '',
        avatarURL: text(data.profile_image_url),
      };
    },
  },
  oidc('oidc'),
  oidc('oidc2'),
  oidc('oidc3'),
];

const byName = new Map(definitions.map((definition) => [definition.name, definition]));

export function providerDefinition(name: string): ProviderDefinition | undefined {
  return byName.get(name);
}

export const providerNames: readonly string[] = definitions.map((definition) => definition.name);
