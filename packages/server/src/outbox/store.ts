import { CompiledQuery, type Kysely, sql } from 'kysely';
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

/** The due deliveries of enabled webhooks, the longest waiting first: what sending one needs. */
export function dueDeliveries(executor: Kysely<any>, now: string, limit: number) {
  return (
    executor
      .selectFrom(OUTBOX)
      .select(['id', 'webhook', 'status', 'attempts', 'payload'])
      // written out, not bound, so that the due index (of these rows only) is seen to serve it
      .where(sql<boolean>`"status" IN ('pending', 'retrying')`)
      .where('nextAttemptAt', '<=', now)
      // a correlated EXISTS, not `webhook IN (…)`: SQLite's planner would read that through the
      // webhook index and sort every unsent row for each claim, rather than walk the due index
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom(WEBHOOKS)
            .select('id')
            .whereRef(`${WEBHOOKS}.id`, '=', `${OUTBOX}.webhook`)
            .where('enabled', '=', 1),
        ),
      )
      .orderBy('nextAttemptAt')
      .limit(limit)
  );
}

/**
 * Claims up to `limit` due deliveries of enabled webhooks. On PostgreSQL each is leased (its
 * next attempt moved to `leaseUntil`) so that no other instance takes it meanwhile, and a worker
 * that dies holding it gives it back when the lease ends; `SKIP LOCKED` lets every instance claim
 * at once without sharing a row. On SQLite the one process's worker claims again only once the
 * batch is settled: no lease is written (a commit saved per batch), and after a crash every
 * unsent delivery is due at once.
 */
export async function claimDue(
  database: Database,
  now: string,
  leaseUntil: string,
  limit: number,
): Promise<ClaimedDelivery[]> {
  if (database.dialect === 'sqlite')
    return (await dueDeliveries(database.db, now, limit).execute()).map(claimedFromRow);
  return database.transaction(async (trx) => {
    const rows = await dueDeliveries(trx, now, limit).forUpdate().skipLocked().execute();
    if (rows.length === 0) return [];
    await leaseDeliveries(
      trx,
      rows.map((row) => String(row.id)),
      leaseUntil,
    );
    return rows.map(claimedFromRow);
  });
}

/**
 * Leases deliveries (PostgreSQL) until `leaseUntil`: their next attempt moves there, so no other
 * instance claims them meanwhile. Used when they are claimed, and again while their instance is
 * still sending them; a delivery whose outcome is saved (delivered or failed) is left as it is.
 */
export async function leaseDeliveries(
  executor: Kysely<any>,
  ids: readonly string[],
  leaseUntil: string,
): Promise<void> {
  await executor
    .updateTable(OUTBOX)
    .set({ nextAttemptAt: leaseUntil })
    .where('id', 'in', ids)
    .where(sql<boolean>`"status" IN ('pending', 'retrying')`)
    .execute();
}

function claimedFromRow(row: Record<string, unknown>): ClaimedDelivery {
  return {
    id: String(row.id),
    webhook: String(row.webhook),
    status: String(row.status) as DeliveryStatus,
    attempts: JSON.parse(String(row.attempts)) as Attempt[],
    body: String(row.payload),
  };
}

/** A delivery claimed for sending, its event record kept as the JSON it is sent as. */
export interface ClaimedDelivery extends Pick<Delivery, 'id' | 'webhook' | 'status' | 'attempts'> {
  body: string;
}

/** How a delivery went, to be saved. */
export type Outcome = Pick<Delivery, 'id' | 'status' | 'attempts' | 'nextAttemptAt'>;

/**
 * The UPDATE that saves a batch of outcomes in one statement, per dialect: the outcomes go as one
 * JSON parameter (an array of `[id, status, attempts, nextAttemptAt]`), each row found by its key.
 * One statement, not one per delivery: their execution was most of what saving cost.
 */
export const OUTCOMES_SQL: Record<Database['dialect'], string> = {
  sqlite: `UPDATE "${OUTBOX}" SET "status" = "outcome"."value" ->> 1, "attempts" = "outcome"."value" ->> 2,
    "nextAttemptAt" = "outcome"."value" ->> 3, "updated" = ?
    FROM json_each(?) AS "outcome" WHERE "${OUTBOX}"."id" = "outcome"."value" ->> 0`,
  postgres: `UPDATE "${OUTBOX}" SET "status" = "outcome" ->> 1, "attempts" = "outcome" ->> 2,
    "nextAttemptAt" = "outcome" ->> 3, "updated" = $1
    FROM json_array_elements($2::json) AS "outcome" WHERE "${OUTBOX}"."id" = "outcome" ->> 0`,
};

/** Records how a batch of deliveries went, in one statement (one commit for the lot). */
export async function saveOutcomes(database: Database, outcomes: readonly Outcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  const rows = outcomes.map((outcome) => [
    outcome.id,
    outcome.status,
    JSON.stringify(outcome.attempts),
    outcome.nextAttemptAt,
  ]);
  await database.db.executeQuery(
    CompiledQuery.raw(OUTCOMES_SQL[database.dialect], [nowDate(), JSON.stringify(rows)]),
  );
}

/** Deletes the deliveries that went through before `before`. */
export async function pruneDelivered(executor: Kysely<any>, before: string): Promise<void> {
  await executor.deleteFrom(OUTBOX).where('status', '=', 'delivered').where('updated', '<', before).execute();
}
