import type * as openid from 'openid-client';
import type { OAuth2ProviderConfig } from '../../collections/types.ts';
import { loadJose, unverifiedClaims } from '../jose.ts';
import { type OAuth2User, type ProviderDefinition, providerDefinition } from './providers.ts';

/** A provider of a collection, its configured URLs over the defaults (and discovery, for OIDC). */
export interface ResolvedProvider {
  config: OAuth2ProviderConfig;
  definition: ProviderDefinition;
  displayName: string;
  authURL: string;
  tokenURL: string;
  userInfoURL: string;
  pkce: boolean;
  /** OpenID Connect with discovery: openid-client exchanges the code and checks the id_token. */
  discovered?: openid.Configuration;
}

/** What the provider said about the user, and the tokens it gave (PocketBase's `meta`). */
export interface OAuth2Result {
  user: OAuth2User;
  accessToken: string;
  refreshToken: string;
  expiry: string;
}

/** A provider refused or could not be reached; the message is safe to log and emit. */
export class OAuth2ExchangeError extends Error {}

const TIMEOUT_MS = 30_000;

let openidClient: Promise<typeof openid> | undefined;
/** openid-client, loaded at the first OpenID Connect provider: most servers never need it. */
export function loadOpenidClient(): Promise<typeof openid> {
  openidClient ??= import('openid-client');
  return openidClient;
}
const discoveries = new Map<string, Promise<openid.Configuration>>();

function discover(config: OAuth2ProviderConfig, issuer: string): Promise<openid.Configuration> {
  const key = JSON.stringify([issuer, config.clientId, config.clientSecret]);
  let found = discoveries.get(key);
  if (!found) {
    const server = new URL(issuer);
    found = loadOpenidClient().then(async (openid) => {
      const discovered = await openid.discovery(server, config.clientId, undefined, undefined, {
        execute: server.protocol === 'http:' ? [openid.allowInsecureRequests] : [],
        timeout: TIMEOUT_MS / 1000,
      });
      const metadata = discovered.serverMetadata();
      // the SDK forwards only the code; the issuer is the one configured, so mix-up cannot happen
      const { authorization_response_iss_parameter_supported: _, ...rest } = metadata;
      const methods = metadata.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
      const secret = config.clientSecret ?? '';
      const auth = methods.includes('client_secret_basic')
        ? openid.ClientSecretBasic(secret)
        : openid.ClientSecretPost(secret);
      const configuration = new openid.Configuration(rest, config.clientId, secret, auth);
      configuration.timeout = TIMEOUT_MS / 1000;
      if (server.protocol === 'http:') openid.allowInsecureRequests(configuration);
      return configuration;
    });
    found.catch(() => discoveries.delete(key));
    discoveries.set(key, found);
  }
  return found;
}

export async function resolveProvider(config: OAuth2ProviderConfig): Promise<ResolvedProvider> {
  const definition = providerDefinition(config.name);
  if (!definition) throw new OAuth2ExchangeError(`Unknown provider "${config.name}".`);
  const resolved: ResolvedProvider = {
    config,
    definition,
    displayName: config.displayName || definition.displayName,
    authURL: config.authURL || definition.authURL,
    tokenURL: config.tokenURL || definition.tokenURL,
    userInfoURL: config.userInfoURL || definition.userInfoURL,
    pkce: config.pkce ?? definition.pkce,
  };
  const issuer = config.extra.issuer;
  if (definition.oidc && typeof issuer === 'string') {
    const discovered = await discover(config, issuer);
    const metadata = discovered.serverMetadata();
    resolved.discovered = discovered;
    resolved.authURL ||= metadata.authorization_endpoint ?? '';
    resolved.tokenURL ||= metadata.token_endpoint ?? '';
    resolved.userInfoURL ||= metadata.userinfo_endpoint ?? '';
  }
  return resolved;
}

/**
 * The URL that starts a sign-in, as PocketBase gives it: query keys sorted, and an empty
 * `redirect_uri` last, which the client completes with its own redirect URL.
 */
export function authorizationURL(
  provider: ResolvedProvider,
  checks: { state: string; codeChallenge: string },
): string {
  const params: Record<string, string> = {
    client_id: provider.config.clientId,
    response_type: 'code',
    scope: provider.definition.scopes.join(' '),
    state: checks.state,
  };
  if (provider.pkce) {
    params.code_challenge = checks.codeChallenge;
    params.code_challenge_method = 'S256';
  }
  if (provider.definition.formPost) params.response_mode = 'form_post';
  const url = new URL(provider.authURL);
  for (const key of Object.keys(params).sort()) url.searchParams.set(key, params[key]!);
  return `${url.toString()}&redirect_uri=`;
}

export async function exchangeCode(
  provider: ResolvedProvider,
  input: { code: string; codeVerifier: string; redirectURL: string },
): Promise<OAuth2Result> {
  try {
    return provider.discovered
      ? await exchangeOIDC(provider, provider.discovered, input)
      : await exchangePlain(provider, input);
  } catch (error) {
    if (error instanceof OAuth2ExchangeError) throw error;
    throw new OAuth2ExchangeError(error instanceof Error ? error.message : String(error));
  }
}

async function exchangeOIDC(
  provider: ResolvedProvider,
  configuration: openid.Configuration,
  input: { code: string; codeVerifier: string; redirectURL: string },
): Promise<OAuth2Result> {
  const callback = new URL(input.redirectURL || 'http://127.0.0.1/');
  callback.search = '';
  callback.searchParams.set('code', input.code);
  const parameters: Record<string, string> = {};
  if (input.redirectURL) parameters.redirect_uri = input.redirectURL;
  const openid = await loadOpenidClient();
  const tokens = await openid.authorizationCodeGrant(
    configuration,
    callback,
    {
      expectedState: openid.skipStateCheck,
      idTokenExpected: true,
      ...(provider.pkce ? { pkceCodeVerifier: input.codeVerifier } : {}),
    },
    parameters,
  );
  const claims: Record<string, unknown> = tokens.claims() ?? {};
  let raw: Record<string, unknown> = { ...claims };
  if (provider.userInfoURL) {
    const info = await openid.fetchUserInfo(configuration, tokens.access_token, String(claims.sub));
    raw = { ...raw, ...info };
  }
  return result(provider, raw, tokens);
}

interface TokenAnswer {
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
  id_token?: string;
  error?: string;
  error_description?: string;
}

async function exchangePlain(
  provider: ResolvedProvider,
  input: { code: string; codeVerifier: string; redirectURL: string },
): Promise<OAuth2Result> {
  const form: Record<string, string> = { grant_type: 'authorization_code', code: input.code };
  if (input.redirectURL) form.redirect_uri = input.redirectURL;
  if (provider.pkce && input.codeVerifier) form.code_verifier = input.codeVerifier;
  const { clientId } = provider.config;
  const secret = provider.config.clientSecret ?? '';
  // as Go's oauth2 does: the secret in a Basic header, then in the form if the server refuses that
  let answer = await postToken(provider.tokenURL, form, {
    authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
  });
  if (answer.error === 'invalid_client' || answer.error === 'unauthorized_client') {
    answer = await postToken(provider.tokenURL, { ...form, client_id: clientId, client_secret: secret }, {});
  }
  if (!answer.access_token) {
    throw new OAuth2ExchangeError(
      `The provider refused the code: ${answer.error_description || answer.error || 'no access token'}.`,
    );
  }
  const accessToken = answer.access_token;
  let raw = provider.userInfoURL
    ? await fetchUserInfo(provider.userInfoURL, accessToken)
    : await idTokenClaims(provider, answer.id_token);
  if (provider.definition.completeUser) {
    raw = await provider.definition.completeUser(
      raw,
      (url) => fetchUserInfo(url, accessToken),
      provider.userInfoURL,
    );
  }
  return result(provider, raw, answer);
}

async function postToken(
  url: string,
  form: Record<string, string>,
  headers: Record<string, string>,
): Promise<TokenAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers },
    body: new URLSearchParams(form).toString(),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await response.text();
  try {
    return JSON.parse(text) as TokenAnswer;
  } catch {
    return Object.fromEntries(new URLSearchParams(text)) as TokenAnswer;
  }
}

async function fetchUserInfo(url: string, accessToken: string): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (!response.ok) throw new OAuth2ExchangeError(`The user-info request answered ${response.status}.`);
  return (await response.json()) as Record<string, unknown>;
}

/** Claims of the id_token: its signature checked when the provider's keys are known. */
async function idTokenClaims(
  provider: ResolvedProvider,
  idToken: string | undefined,
): Promise<Record<string, unknown>> {
  if (!idToken) throw new OAuth2ExchangeError('The provider sent no user-info URL answer nor id_token.');
  const jwksURL = (provider.config.extra.jwksURL as string | undefined) || provider.definition.jwksURL;
  const issuers = (provider.config.extra.issuers as string[] | undefined) ?? provider.definition.issuers;
  if (!jwksURL) {
    const claims = unverifiedClaims(idToken);
    if (
      claims.aud !== provider.config.clientId &&
      !(Array.isArray(claims.aud) && claims.aud.includes(provider.config.clientId))
    )
      throw new OAuth2ExchangeError('The id_token is for another client.');
    if (issuers?.length && !issuers.includes(String(claims.iss)))
      throw new OAuth2ExchangeError('The id_token has an unknown issuer.');
    return claims;
  }
  const { createRemoteJWKSet, jwtVerify } = await loadJose();
  const { payload } = await jwtVerify(idToken, createRemoteJWKSet(new URL(jwksURL)), {
    audience: provider.config.clientId,
    ...(issuers?.length ? { issuer: issuers } : {}),
    clockTolerance: 300,
  });
  return payload;
}

function result(provider: ResolvedProvider, raw: Record<string, unknown>, tokens: TokenAnswer): OAuth2Result {
  const user = { ...provider.definition.mapUser(raw), rawUser: raw };
  if (user.id === '') throw new OAuth2ExchangeError('The provider gave no user id.');
  return {
    user,
    accessToken: tokens.access_token ?? '',
    refreshToken: tokens.refresh_token ?? '',
    expiry: tokens.expires_in ? new Date(Date.now() + tokens.expires_in * 1000).toISOString() : '',
  };
}
