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
