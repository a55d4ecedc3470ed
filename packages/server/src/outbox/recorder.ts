import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Core } from '../app/core.ts';
import { insertRow } from '../db/insert-row.ts';
import { nowDate } from '../records/dates.ts';
import type { WebhookSubscribers } from '../webhooks/subscribers.ts';
import type { WriteRecorder } from '../writes/recorders.ts';
import { type EventRecord, eventRecordOf, writeTriple } from './event-record.ts';
import { OUTBOX } from './store.ts';

/**
 * The transactional outbox (DESIGN §4): inside a write's transaction, one `_outbox` row per
 * enabled webhook (or plugin) its event matches, so a rolled-back write delivers nothing and a
 * committed one is delivered even after a crash. A write nobody subscribes to writes nothing
 * (and with no enabled webhook at all the recorder is not even run: see `wanted`). `nudge`
 * runs once the write commits, so delivery does not wait for the next poll.
 */
export function outboxRecorder(
  core: Core,
  subscribers: WebhookSubscribers,
  nudge: () => void,
): WriteRecorder {
  return async (write, tx) => {
    const name = `${write.context}.${write.action}`;
    const webhooks = subscribers.matching(name, write.tags, () => writeTriple(core.catalogue, write));
    if (webhooks.length === 0) return;
    await insertDeliveries(
      tx.database,
      eventRecordOf(core.catalogue, write, tx.accountability.user),
      webhooks,
    );
    if (tx.scope) tx.scope.onCommit(nudge);
    else nudge();
  };
}

/**
 * `msg_`, the time, then randomness: ids in the order they are made, so that a write appends to
 * the end of the outbox's key instead of touching a page anywhere in it (fewer pages to commit).
 * randomUUID draws from a cached pool: cheaper per row than a fresh random read.
 */
function deliveryId(): string {
  return `msg_${Date.now().toString(36)}${randomUUID().replaceAll('-', '').slice(0, 20)}`;
}

/**
 * One pending delivery of `event` to each of `webhooks`, in `executor`'s transaction: a row per
 * webhook, so that one compiled INSERT serves every write whatever the number of webhooks.
 */
export async function insertDeliveries(
  executor: Kysely<any>,
  event: EventRecord,
  webhooks: readonly string[],
): Promise<void> {
  const payload = JSON.stringify(event);
  const now = nowDate();
  for (const webhook of webhooks)
    await insertRow(executor, OUTBOX, {
      id: deliveryId(),
      webhook,
      eventId: event.id,
      name: event.name,
      payload,
      status: 'pending',
      attempts: '[]',
      nextAttemptAt: now,
      created: now,
      updated: now,
    });
}
