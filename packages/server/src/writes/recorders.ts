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
  readonly #recorders: { recorder: WriteRecorder; wanted: () => boolean }[] = [];

  /**
   * Whether a recorder wants the next write: when none does, the pipeline skips building what
   * recorders would get. A recorder with nothing to record (the outbox with no webhook) says so
   * through its `wanted`.
   */
  get active(): boolean {
    return this.#recorders.some((entry) => entry.wanted());
  }

  add(recorder: WriteRecorder, wanted: () => boolean = () => true): () => void {
    const entry = { recorder, wanted };
    this.#recorders.push(entry);
    return () => {
      const index = this.#recorders.indexOf(entry);
      if (index >= 0) this.#recorders.splice(index, 1);
    };
  }

  async record(write: WriteRecord, tx: HookContext): Promise<void> {
    for (const { recorder, wanted } of this.#recorders) if (wanted()) await recorder(write, tx);
  }
}
