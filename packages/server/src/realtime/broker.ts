import type { RecordData } from '../collections/types.ts';
import type { RecordRow } from '../records/store.ts';

/**
 * A committed record change, as realtime fans it out. It carries the stored row (not the record
 * as the writer saw it) so that each instance can decide, per client, what that client may see:
 * after a delete the row exists nowhere else. Plain JSON, so that a broker can carry it.
 */
export interface RecordChange {
  action: 'create' | 'update' | 'delete';
  collectionId: string;
  id: string;
  /** The stored row; null only for a delete whose row could not be read before it went. */
  row: RecordRow | null;
  /** Without a row: the record as its writer saw it, sent to superusers only. */
  record?: RecordData;
}

/**
 * Carries record changes to every instance's realtime clients. This instance publishes each
 * change it commits and hands every change it hears of to `onEvent`'s handler; a broker between
 * instances (Redis pub/sub) implements the same three methods.
 */
export interface RealtimeBroker {
  /** True when only this instance listens: a change nobody here subscribes to is not published. */
  readonly local: boolean;
  /** Resolves once the change is handed over (in process: once it is queued for each client). */
  publish(change: RecordChange): Promise<void>;
  onEvent(handler: (change: RecordChange) => Promise<void> | void): () => void;
  close(): Promise<void>;
}

/** One instance: a published change goes straight to this instance's handlers. */
export class InProcessBroker implements RealtimeBroker {
  readonly local = true;
  readonly #handlers = new Set<(change: RecordChange) => Promise<void> | void>();

  async publish(change: RecordChange): Promise<void> {
    const pending: Promise<void>[] = [];
    for (const handler of this.#handlers) {
      const result = handler(change);
      if (result) pending.push(result);
    }
    await Promise.all(pending);
  }

  onEvent(handler: (change: RecordChange) => Promise<void> | void): () => void {
    this.#handlers.add(handler);
    return () => void this.#handlers.delete(handler);
  }

  async close(): Promise<void> {
    this.#handlers.clear();
  }
}
