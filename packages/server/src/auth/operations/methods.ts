import { randomBytes } from 'node:crypto';
import { InvalidPayloadError } from '@sluice/hooks';
import type { Logger } from 'pino';
import type { Collection } from '../../collections/types.ts';
import { authorizationURL, loadOpenidClient, resolveProvider } from '../oauth2/client.ts';

const STATE_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function randomState(length = 30): string {
  const bytes = randomBytes(length);
  return Array.from(bytes, (byte) => STATE_ALPHABET[byte % STATE_ALPHABET.length]).join('');
}

/**
 * `auth-methods`: what a client may sign in with, in the shape of SDK 0.28 and the older one.
 * Each OAuth2 provider comes with a fresh state and PKCE pair and the URL that starts its flow;
 * a provider that cannot be set up (its discovery fails) is left out, and logged.
 */
export async function authMethods(collection: Collection, logger: Logger) {
  if (collection.type !== 'auth')
    throw new InvalidPayloadError(`"${collection.name}" is not an auth collection.`);
  const password = {
    enabled: collection.passwordAuth?.enabled ?? false,
    identityFields: collection.passwordAuth?.identityFields ?? ['email'],
  };
  const oauth2Enabled = collection.oauth2?.enabled ?? false;
  const providers = [];
  for (const config of oauth2Enabled ? (collection.oauth2?.providers ?? []) : []) {
    try {
      const provider = await resolveProvider(config);
      const state = randomState();
      const openid = provider.pkce ? await loadOpenidClient() : undefined;
      const codeVerifier = openid ? openid.randomPKCECodeVerifier() : '';
      const codeChallenge = openid ? await openid.calculatePKCECodeChallenge(codeVerifier) : '';
      const authURL = authorizationURL(provider, { state, codeChallenge });
      providers.push({
        name: config.name,
        displayName: provider.displayName,
        state,
        authURL,
        authUrl: authURL,
        codeVerifier,
        codeChallenge,
        codeChallengeMethod: provider.pkce ? 'S256' : '',
      });
    } catch (error) {
      logger.warn(
        { err: error, provider: config.name, collection: collection.name },
        'OAuth2 provider left out.',
      );
    }
  }
  const otp = collection.otp?.enabled ?? false;
  const mfa = collection.mfa?.enabled ?? false;
  return {
    password,
    oauth2: { enabled: oauth2Enabled, providers },
    mfa: { enabled: mfa, duration: mfa ? (collection.mfa?.duration ?? 0) : 0 },
    otp: { enabled: otp, duration: otp ? (collection.otp?.duration ?? 0) : 0 },
    usernamePassword: password.enabled && password.identityFields.includes('username'),
    emailPassword: password.enabled && password.identityFields.includes('email'),
    authProviders: providers,
  };
}
