import { ForbiddenError } from '@sluice/hooks';
import type { Core } from '../../app/core.ts';
import type { Collection } from '../../collections/types.ts';
import type { HookContext } from '../../context.ts';
import { confirmWithToken } from './confirm-token.ts';
import { assertAuthCollection, requireFields } from './flows.ts';

/**
 * `confirm-password-reset {token, password, passwordConfirm}`: the new password through
 * `auth.password_reset.confirm`; the tokenKey renews, so this token and every auth token die.
 */
export async function confirmPasswordReset(
  app: Core,
  collection: Collection,
  body: Record<string, unknown>,
  ctx: HookContext,
): Promise<void> {
  assertAuthCollection(collection);
  if (!collection.passwordAuth?.enabled) throw new ForbiddenError('Password authentication is not enabled.');
  await confirmWithToken(app, collection, ctx, {
    event: 'auth.password_reset.confirm',
    tokenType: 'passwordReset',
    input: requireFields(body, ['token', 'password', 'passwordConfirm']),
    changes: (input, current) => ({
      password: input.password,
      passwordConfirm: input.passwordConfirm,
      // The link reached the address: that proves it as a verification would.
      ...(current.verified === true ? {} : { verified: true }),
    }),
  });
}
