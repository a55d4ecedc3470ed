import { ForbiddenError } from '@sluice/hooks';
import type { App } from '../../app/types.ts';
import type { Collection } from '../../collections/types.ts';
import type { HookContext } from '../../context.ts';
import { assertAuthCollection } from './flows.ts';
import { requestMailLink } from './mail-link.ts';

/** `request-password-reset {email}`: mails a reset link through `auth.password_reset.request`. */
export async function requestPasswordReset(
  app: App,
  collection: Collection,
  body: Record<string, unknown>,
  ctx: HookContext,
): Promise<void> {
  assertAuthCollection(collection);
  if (!collection.passwordAuth?.enabled) throw new ForbiddenError('Password authentication is not enabled.');
  await requestMailLink(app, collection, body, ctx, {
    event: 'auth.password_reset.request',
    kind: 'passwordReset',
    wants: () => true,
  });
}
