import type { Kysely } from 'kysely';
import type { Database } from '../db/types.ts';
import { nowDate } from '../records/dates.ts';
import { WEBHOOKS } from '../webhooks/store.ts';

export const OUTBOX = '_outbox';

export type DeliveryStatus = 'pending' | 'retrying' | 'delivered' | 'failed';

/** One try at sending a delivery. */
export interface Attempt {
  time: string;
  /** The response's HTTP status; 0 when none came (network error, timeout, refused target). */
  status: number;
  durationMs: number;
  /** The first kilobyte of the response body, or the error. */
  response: string;
}

/** One event to send to one webhook, as `/api/webhooks/{id}/deliveries` shows it. */
export interface Delivery {
  id: string;
  webhook: string;
  eventId: string;
  name: string;
  payload: unknown;
  status: DeliveryStatus;
  attempts: Attempt[];
  nextAttemptAt: string;
  created: string;
  updated: string;
}

export function deliveryFromRow(row: Record<string, unknown>): Delivery {
  return {
    id: String(row.id),
    webhook: String(row.webhook),
    eventId: String(row.eventId),
    name: String(row.name),
    payload: JSON.parse(String(row.payload)),
    status: String(row.status) as DeliveryStatus,
    attempts: JSON.parse(String(row.attempts)) as Attempt[],
    nextAttemptAt: String(row.nextAttemptAt),
    created: String(row.created),
    updated: String(row.updated),
  };
}

/**
 * Claims up to `limit` due deliveries of enabled webhooks: each is leased (its next attempt
 * moved to `leaseUntil`), so that a worker that dies holding it gives it back when the lease
 * ends. On PostgreSQL, `SKIP LOCKED` lets every instance claim at once without sharing a row.
 */
export function claimDue(
  database: Database,
  now: string,
  leaseUntil: string,
  limit: number,
): Promise<Delivery[]> {
  return database.transaction(async (trx) => {
    let due = trx
      .selectFrom(OUTBOX)
      .selectAll()
      .where('status', 'in', ['pending', 'retrying'])
      .where('nextAttemptAt', '<=', now)
      .where('webhook', 'in', trx.selectFrom(WEBHOOKS).select('id').where('enabled', '=', 1))
      .orderBy('nextAttemptAt')
      .limit(limit);
    if (database.dialect === 'postgres') due = due.forUpdate().skipLocked();
    const rows = await due.execute();
    if (rows.length === 0) return [];
    await trx
      .updateTable(OUTBOX)
      .set({ nextAttemptAt: leaseUntil })
      .where(
        'id',
        'in',
        rows.map((row) => row.id),
      )
      .execute();
    return rows.map(deliveryFromRow);
  });
}

/** Records how a delivery went. */
export async function saveOutcome(
  executor: Kysely<any>,
  id: string,
  outcome: Pick<Delivery, 'status' | 'attempts' | 'nextAttemptAt'>,
): Promise<void> {
  await executor
    .updateTable(OUTBOX)
    .set({
      status: outcome.status,
      attempts: JSON.stringify(outcome.attempts),
      nextAttemptAt: outcome.nextAttemptAt,
      updated: nowDate(),
    })
    .where('id', '=', id)
    .execute();
}

/** Deletes the deliveries that went through before `before`. */
export async function pruneDelivered(executor: Kysely<any>, before: string): Promise<void> {
  await executor.deleteFrom(OUTBOX).where('status', '=', 'delivered').where('updated', '<', before).execute();
}
