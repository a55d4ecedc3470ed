import { ForbiddenError } from '@sluice/hooks';
import { inTransaction } from '../../app/transaction.ts';
import type { App } from '../../app/types.ts';
import type { Collection } from '../../collections/types.ts';
import { type HookContext, system } from '../../context.ts';
import { emitAction, recordTags } from '../../records/operations/events.ts';
import { updateRecord } from '../../records/operations/update.ts';
import {
  assertAuthCollection,
  flowMeta,
  flowRecord,
  recordOfToken,
  requireFields,
  runFlowFilter,
} from './flows.ts';

const EVENT = 'auth.password_reset.confirm';

/**
 * `confirm-password-reset {token, password, passwordConfirm}`: token check → the
 * `auth.password_reset.confirm` filter → the new password stored through the records update
 * operation (its hooks run; the tokenKey renews, so this token and every auth token die) →
 * the action after commit. A filter returning `false` takes over: nothing is stored.
 */
export async function confirmPasswordReset(
  app: App,
  collection: Collection,
  body: Record<string, unknown>,
  ctx: HookContext,
): Promise<void> {
  assertAuthCollection(collection);
  if (!collection.passwordAuth?.enabled) throw new ForbiddenError('Password authentication is not enabled.');
  const input = requireFields(body, ['token', 'password', 'passwordConfirm']);
  const tags = recordTags(collection);
  await inTransaction(app, ctx, async (tx) => {
    const { row } = await recordOfToken(app, tx.database, collection, input.token, 'passwordReset');
    const current = flowRecord(collection, row);
    const meta = flowMeta(EVENT, collection, current);
    const { payload, stopped } = await runFlowFilter(app, EVENT, input, meta, tx, tags);
    if (stopped) return;
    const changes: Record<string, unknown> = {
      password: payload.password,
      passwordConfirm: payload.passwordConfirm,
    };
    // The link reached the address: that proves it as a verification would.
    if (current.verified !== true) changes.verified = true;
    const record = await updateRecord(app, collection, current.id, changes, {
      ...tx,
      accountability: system,
    });
    emitAction(app, EVENT, flowMeta(EVENT, collection, record), tx, tags);
  });
}
