import type { App } from '../../app/types.ts';
import type { Collection } from '../../collections/types.ts';
import type { HookContext } from '../../context.ts';
import { assertAuthCollection } from './flows.ts';
import { requestMailLink } from './mail-link.ts';

/**
 * `request-verification {email}`: mails a verification link through
 * `auth.verification.request`, to records not verified yet.
 */
export async function requestVerification(
  app: App,
  collection: Collection,
  body: Record<string, unknown>,
  ctx: HookContext,
): Promise<void> {
  assertAuthCollection(collection);
  await requestMailLink(app, collection, body, ctx, {
    event: 'auth.verification.request',
    kind: 'verification',
    wants: (record) => record.verified !== true,
  });
}
