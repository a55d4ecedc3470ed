import type { Core } from '../app/core.ts';
import { newId } from '../collections/ids.ts';
import { nowDate } from '../records/dates.ts';
import type { WebhookSubscribers } from '../webhooks/subscribers.ts';
import type { WriteRecorder } from '../writes/recorders.ts';
import { eventRecordOf } from './event-record.ts';
import { OUTBOX } from './store.ts';

/**
 * The transactional outbox (DESIGN §4): inside a write's transaction, one `_outbox` row per
 * enabled webhook its event matches, so a rolled-back write delivers nothing and a committed
 * one is delivered even after a crash. A write nobody subscribes to writes nothing (and with no
 * enabled webhook at all the recorder is not even run: see `wanted`). `nudge`
 * runs once the write commits, so delivery does not wait for the next poll.
 */
export function outboxRecorder(
  core: Core,
  subscribers: WebhookSubscribers,
  nudge: () => void,
): WriteRecorder {
  return async (write, tx) => {
    const name = `${write.context}.${write.action}`;
    const webhooks = subscribers.matching(name, write.tags);
    if (webhooks.length === 0) return;
    const event = eventRecordOf(core.catalogue, write, tx.accountability.user);
    const payload = JSON.stringify(event);
    const now = nowDate();
    await tx.database
      .insertInto(OUTBOX)
      .values(
        webhooks.map((webhook) => ({
          id: `msg_${newId()}`,
          webhook,
          eventId: event.id,
          name,
          payload,
          status: 'pending',
          attempts: '[]',
          nextAttemptAt: now,
          created: now,
          updated: now,
        })),
      )
      .execute();
    if (tx.scope) tx.scope.onCommit(nudge);
    else nudge();
  };
}
