import type { HookContext } from '../context.ts';
import type { EventRecord } from './event-record.ts';
import { insertDeliveries } from './recorder.ts';

/**
 * An event that is not a write of the pipeline (a custom event, `auth.signup`) leaving the
 * process: its deliveries written in `tx` (the outbox, as for writes), and the event stream told
 * once `tx` commits. Nothing is done when nobody subscribes or listens.
 */
export async function recordEvent(tx: HookContext, event: EventRecord): Promise<void> {
  const { webhooks, events } = tx.services;
  const subscribed = webhooks.subscribers.matching(event.name, event.tags, () => event);
  if (subscribed.length > 0) {
    await insertDeliveries(tx.database, event, subscribed);
    afterCommit(tx, () => webhooks.deliveriesDue());
  }
  if (events.stream.size > 0) afterCommit(tx, () => events.stream.publish(event));
}

function afterCommit(tx: HookContext, fn: () => void): void {
  if (tx.scope?.open) tx.scope.onCommit(fn);
  else fn();
}
