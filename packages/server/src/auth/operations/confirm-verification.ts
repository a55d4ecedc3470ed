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

const EVENT = 'auth.verification.confirm';

/**
 * `confirm-verification {token}`: token check → the `auth.verification.confirm` filter →
 * `verified = true` through the records update operation → the action after commit. A record
 * already verified answers as a success and changes nothing (as PocketBase); a filter
 * returning `false` takes over: nothing is stored.
 */
export async function confirmVerification(
  app: App,
  collection: Collection,
  body: Record<string, unknown>,
  ctx: HookContext,
): Promise<void> {
  assertAuthCollection(collection);
  const input = requireFields(body, ['token']);
  const tags = recordTags(collection);
  await inTransaction(app, ctx, async (tx) => {
    const { row } = await recordOfToken(app, tx.database, collection, input.token, 'verification');
    const current = flowRecord(collection, row);
    if (current.verified === true) return;
    const meta = flowMeta(EVENT, collection, current);
    const { stopped } = await runFlowFilter(app, EVENT, input, meta, tx, tags);
    if (stopped) return;
    const record = await updateRecord(
      app,
      collection,
      current.id,
      { verified: true },
      { ...tx, accountability: system },
    );
    emitAction(app, EVENT, flowMeta(EVENT, collection, record), tx, tags);
  });
}
