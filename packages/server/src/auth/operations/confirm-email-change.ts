import { InvalidPayloadError } from '@sluice/hooks';
import { inTransaction } from '../../app/transaction.ts';
import type { App } from '../../app/types.ts';
import { randomFromPattern } from '../../collections/ids.ts';
import type { Collection } from '../../collections/types.ts';
import { type HookContext, system } from '../../context.ts';
import { emitAction, recordTags } from '../../records/operations/events.ts';
import { updateRecord } from '../../records/operations/update.ts';
import { verifyPassword } from '../../records/password.ts';
import {
  assertAuthCollection,
  flowMeta,
  flowRecord,
  recordOfToken,
  requireFields,
  runFlowFilter,
} from './flows.ts';

const EVENT = 'auth.email_change.confirm';

/**
 * `confirm-email-change {token, password}`: token and password checks → the
 * `auth.email_change.confirm` filter → the new address stored (verified, with a new tokenKey:
 * every token issued before dies, this one too) through the records update operation → the
 * action after commit. A filter returning `false` takes over: nothing is stored.
 */
export async function confirmEmailChange(
  app: App,
  collection: Collection,
  body: Record<string, unknown>,
  ctx: HookContext,
): Promise<void> {
  assertAuthCollection(collection);
  const input = requireFields(body, ['token', 'password']);
  const tags = recordTags(collection);
  // The password hash is slow: checked before the write transaction opens.
  const { row: unlocked } = await recordOfToken(
    app,
    app.database.reader,
    collection,
    input.token,
    'emailChange',
  );
  if (!(await verifyPassword(input.password, String(unlocked.password)))) {
    throw new InvalidPayloadError('Something went wrong while processing your request.', {
      password: { code: 'validation_invalid_password', message: 'Missing or invalid password.' },
    });
  }
  await inTransaction(app, ctx, async (tx) => {
    const { row, claims } = await recordOfToken(app, tx.database, collection, input.token, 'emailChange');
    const current = flowRecord(collection, row);
    const { stopped } = await runFlowFilter(
      app,
      EVENT,
      input,
      flowMeta(EVENT, collection, current),
      tx,
      tags,
    );
    if (stopped) return;
    const tokenKeyPattern = collection.fields.find((field) => field.name === 'tokenKey')?.autogeneratePattern;
    const record = await updateRecord(
      app,
      collection,
      current.id,
      {
        email: claims.newEmail,
        verified: true,
        tokenKey:
          randomFromPattern(tokenKeyPattern || '[a-zA-Z0-9]{50}') ?? randomFromPattern('[a-zA-Z0-9]{50}'),
      },
      { ...tx, accountability: system },
    );
    emitAction(app, EVENT, flowMeta(EVENT, collection, record), tx, tags);
  });
}
