import { InvalidPayloadError } from '@sluice/hooks';
import type { Core } from '../../app/core.ts';
import { randomFromPattern } from '../../collections/ids.ts';
import type { Collection } from '../../collections/types.ts';
import type { HookContext } from '../../context.ts';
import { verifyPassword } from '../../records/password.ts';
import { confirmWithToken } from './confirm-token.ts';
import { assertAuthCollection, recordOfToken, requireFields } from './flows.ts';

/**
 * `confirm-email-change {token, password}`: the new address, verified and with a new tokenKey
 * (every token issued before dies, this one too), through `auth.email_change.confirm`.
 */
export async function confirmEmailChange(
  app: Core,
  collection: Collection,
  body: Record<string, unknown>,
  ctx: HookContext,
): Promise<void> {
  assertAuthCollection(collection);
  const input = requireFields(body, ['token', 'password']);
  // The password hash is slow: checked before the write transaction opens.
  const { row } = await recordOfToken(app, app.database.reader, collection, input.token, 'emailChange');
  if (!(await verifyPassword(input.password, String(row.password)))) {
    throw new InvalidPayloadError('Something went wrong while processing your request.', {
      password: { code: 'validation_invalid_password', message: 'Missing or invalid password.' },
    });
  }
  const tokenKeyPattern = collection.fields.find((field) => field.name === 'tokenKey')?.autogeneratePattern;
  await confirmWithToken(app, collection, ctx, {
    event: 'auth.email_change.confirm',
    tokenType: 'emailChange',
    input,
    changes: (_input, _current, claims) => ({
      email: claims.newEmail,
      verified: true,
      tokenKey:
        randomFromPattern(tokenKeyPattern || '[a-zA-Z0-9]{50}') ?? randomFromPattern('[a-zA-Z0-9]{50}'),
    }),
  });
}
