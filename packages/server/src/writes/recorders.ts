import type { HookContext } from '../context.ts';

export type WriteAction = 'create' | 'update' | 'delete';

/** A write the pipeline has just made, as the in-transaction recorders see it. */
export interface WriteRecord {
  /** `records`, `collections`, `settings`…: the write's events are `<context>.<action>`. */
  context: string;
  action: WriteAction;
  table: string;
  /** The tags of the context event (a record's: its collection's name and id). */
  tags: readonly string[];
  /** The collection of a record write. */
  collection?: string;
  keys: string[];
  /** What was stored (after a delete: what was removed), without secrets. */
  record: unknown;
  /** The record before an update. */
  previous?: unknown;
}

/**
 * Runs inside the write's transaction, after its SQL and before the commit: a throw rolls the
 * write back. Internal: the activity log, revisions and the outbox register here.
 */
export type WriteRecorder = (write: WriteRecord, tx: HookContext) => void | Promise<void>;

/** The in-transaction recorders, run in the order they were added. */
export class WriteRecorders {
  readonly #recorders: WriteRecorder[] = [];

  get size(): number {
    return this.#recorders.length;
  }

  add(recorder: WriteRecorder): () => void {
    this.#recorders.push(recorder);
    return () => {
      const index = this.#recorders.indexOf(recorder);
      if (index >= 0) this.#recorders.splice(index, 1);
    };
  }

  async record(write: WriteRecord, tx: HookContext): Promise<void> {
    for (const recorder of this.#recorders) await recorder(write, tx);
  }
}
