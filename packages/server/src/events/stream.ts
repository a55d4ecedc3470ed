import type { Core } from '../app/core.ts';
import type { EventRecord } from '../outbox/event-record.ts';
import { eventRecordOf } from '../outbox/event-record.ts';
import type { WriteRecorder } from '../writes/recorders.ts';

type Listener = (event: EventRecord) => void;

/**
 * Every event of this instance as it fires, for `GET /api/events/stream`: committed writes
 * (through `streamRecorder`, run only while someone listens) and custom events.
 */
export class EventStream {
  readonly #listeners = new Set<Listener>();

  get size(): number {
    return this.#listeners.size;
  }

  listen(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  publish(event: EventRecord): void {
    for (const listener of this.#listeners) listener(event);
  }
}

/** Hands each write's event record to the stream once the write commits. */
export function streamRecorder(core: Core, stream: EventStream): WriteRecorder {
  return async (write, tx) => {
    const event = eventRecordOf(core.catalogue, write, tx.accountability.user);
    if (tx.scope) tx.scope.onCommit(() => stream.publish(event));
    else stream.publish(event);
  };
}
