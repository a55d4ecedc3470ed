import type { Core } from '../../app/core.ts';
import type { Collection } from '../../collections/types.ts';
import type { HookContext } from '../../context.ts';
import { confirmWithToken } from './confirm-token.ts';
import { assertAuthCollection, requireFields } from './flows.ts';

/**
 * `confirm-verification {token}`: `verified = true` through `auth.verification.confirm`. A
 * record already verified answers as a success and changes nothing (as PocketBase).
 */
export async function confirmVerification(
  app: Core,
  collection: Collection,
  body: Record<string, unknown>,
  ctx: HookContext,
): Promise<void> {
  assertAuthCollection(collection);
  await confirmWithToken(app, collection, ctx, {
    event: 'auth.verification.confirm',
    tokenType: 'verification',
    input: requireFields(body, ['token']),
    done: (current) => current.verified === true,
    changes: () => ({ verified: true }),
  });
}
