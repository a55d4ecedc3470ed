import { InvalidPayloadError } from '@sluice/hooks';
import type { Collection } from '../../collections/types.ts';

/** `auth-methods`: what a client may sign in with (both the current and the older shape). */
export function authMethods(collection: Collection) {
  if (collection.type !== 'auth')
    throw new InvalidPayloadError(`"${collection.name}" is not an auth collection.`);
  const password = {
    enabled: collection.passwordAuth?.enabled ?? false,
    identityFields: collection.passwordAuth?.identityFields ?? ['email'],
  };
  return {
    password,
    oauth2: { enabled: false, providers: [] },
    mfa: { enabled: false, duration: 0 },
    otp: { enabled: false, duration: 0 },
    usernamePassword: password.enabled && password.identityFields.includes('username'),
    emailPassword: password.enabled && password.identityFields.includes('email'),
    authProviders: [],
  };
}
