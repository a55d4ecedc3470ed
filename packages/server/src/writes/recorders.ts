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

/**
 * Whether a recorder wants a write of `context` (`records`, `activity`…) made in `tx`. A recorder
 * with nothing to record (the outbox with no webhook, the activity log for its own writes) says
 * so here, so that the write skips building what it would get.
 */
export type WantsWrite = (context: string, tx: HookContext) => boolean;

const everyWrite: WantsWrite = () => true;

/** Wants the writes of one context only. */
export function writesOf(wantedContext: string): WantsWrite {
  return (context) => context === wantedContext;
}

/** The in-transaction recorders, run in the order they were added. */
export class WriteRecorders {
  readonly #recorders: { recorder: WriteRecorder; wanted: WantsWrite }[] = [];

  /** Whether a recorder wants a write of `context` in `tx`: if none does, nothing is built for them. */
  wants(context: string, tx: HookContext): boolean {
    return this.#recorders.some((entry) => entry.wanted(context, tx));
  }

  add(recorder: WriteRecorder, wanted: WantsWrite = everyWrite): () => void {
    const entry = { recorder, wanted };
    this.#recorders.push(entry);
    return () => {
      const index = this.#recorders.indexOf(entry);
      if (index >= 0) this.#recorders.splice(index, 1);
    };
  }

  async record(write: WriteRecord, tx: HookContext): Promise<void> {
    for (const { recorder, wanted } of this.#recorders) {
      if (!wanted(write.context, tx)) continue;
      const recording = recorder(write, tx);
      if (recording instanceof Promise) await recording;
    }
  }
}
