import type { Core } from '../../app/core.ts';
import { inTransaction } from '../../app/transaction.ts';
import type { Collection, RecordData } from '../../collections/types.ts';
import { type HookContext, system } from '../../context.ts';
import { emitAction, filterOutcome, recordTags } from '../../records/operations/events.ts';
import { updateRecord } from '../../records/operations/update.ts';
import type { RecordTokenClaims, RecordTokenType } from '../tokens.ts';
import { flowMeta, flowRecord, recordOfToken } from './flows.ts';

export interface ConfirmFlow<Input extends { token: string }> {
  event: 'auth.password_reset.confirm' | 'auth.verification.confirm' | 'auth.email_change.confirm';
  tokenType: RecordTokenType;
  input: Input;
  /** Nothing to do for this record (e.g. verified already): a success that runs no hook. */
  done?(current: RecordData): boolean;
  /** The changes to store, from the input as the filter left it. */
  changes(input: Input, current: RecordData, claims: RecordTokenClaims): Record<string, unknown>;
}

/**
 * The shared shape of the confirm-* flows, in one transaction: token check → the flow's filter
 * (`false` takes over: nothing is stored) → the changes stored through the records update
 * operation as the system (its hooks run) → the flow's action after commit.
 */
export async function confirmWithToken<Input extends { token: string }>(
  app: Core,
  collection: Collection,
  ctx: HookContext,
  flow: ConfirmFlow<Input>,
): Promise<void> {
  const { event } = flow;
  const tags = recordTags(collection);
  await inTransaction(app, ctx, async (tx) => {
    const { row, claims } = await recordOfToken(
      app,
      tx.database,
      collection,
      flow.input.token,
      flow.tokenType,
    );
    const current = flowRecord(collection, row);
    if (flow.done?.(current)) return;
    const meta = flowMeta(event, collection, current);
    const { payload, stopped } = await filterOutcome(app, event, flow.input, meta, tx, tags);
    if (stopped) return;
    const changes = flow.changes(payload, current, claims);
    const record = await updateRecord(app, collection, current.id, changes, {
      ...tx,
      accountability: system,
    });
    emitAction(app, event, flowMeta(event, collection, record), tx, tags);
  });
}
