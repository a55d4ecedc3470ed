import type { Payload } from '@sluice/hooks';
import type { Core } from '../app/core.ts';
import type { SluiceEvents } from '../catalogue/events.ts';
import type { HookContext } from '../context.ts';
import { emitAction, filterPayload } from '../records/operations/events.ts';
import type { WriteAction } from './recorders.ts';

/** The contexts whose writes the catalogue has events for: `records`, `settings`, `files`… */
export type WriteContext = {
  [Name in keyof SluiceEvents['filter']]: Name extends `${infer Context}.create` ? Context : never;
}[keyof SluiceEvents['filter']];

type ContextEvent<C extends WriteContext, A extends WriteAction> = `${C}.${A}` & keyof SluiceEvents['filter'];

/** One write, as its operation describes it to the pipeline. */
export interface Write<C extends WriteContext, A extends WriteAction, Input, Row, Stored> {
  /** `records`, `collections`, `settings`…: the context events are `<context>.<action>`. */
  context: C;
  action: A;
  /** The table of the model events. */
  table: string;
  /** Tags of the context events (a record's: its collection's name and id). */
  tags: readonly string[];
  /** Tags of the model events. */
  modelTags: readonly string[];
  /** Facts for both filters' and actions' meta: `collection`, `keys`, the `record` before… */
  meta: Record<string, unknown>;
  /** Facts for the model events only (a record's: its `collection`). */
  modelMeta?: Record<string, unknown>;
  /** What the context filter gets. */
  input: Input;
  /** Checks what the context filter left and makes the row the model filter gets. */
  prepare(input: Input): Row | Promise<Row>;
  /** Runs the SQL with what the model filter left. */
  store(row: Row): Promise<Stored>;
  /**
   * What the actions and recorders carry, without secrets: the stored `record` (the removed one
   * after a delete), the context action's `payload`, the `keys` written, the `previous` record.
   */
  outcome(
    stored: Stored,
    input: Input,
  ): { record: unknown; payload: unknown; keys: string[]; previous?: unknown };
}

/**
 * The one write sequence of every table (DESIGN §1.5), run inside the caller's transaction `tx`:
 * `<context>.<action>` filter → prepare (validation) → `model.<action>` filter → store (SQL) →
 * the in-transaction recorders → (held until the commit) `model.<action>` and
 * `<context>.<action>` actions.
 */
export async function runWrite<
  C extends WriteContext,
  A extends WriteAction,
  Input extends Payload<SluiceEvents, ContextEvent<C, A>>,
  Row extends Payload<SluiceEvents, `model.${A}`>,
  Stored,
>(app: Core, tx: HookContext, write: Write<C, A, Input, Row, Stored>): Promise<Stored> {
  // The operation's input and row are checked against the catalogue through the type
  // parameters; the metas below are assembled for every context alike, so the names are plain.
  const contextEvent: string = `${write.context}.${write.action}`;
  const modelEvent: string = `model.${write.action}`;
  const meta = { event: contextEvent, ...write.meta, action: write.action };
  // a step that returned no promise is not awaited: each await costs a promise and a turn of the
  // microtask queue, and a write with nothing listening is mostly such steps
  const filtered = filterPayload(app, contextEvent, write.input, meta, tx, write.tags);
  const input = filtered instanceof Promise ? await filtered : filtered;
  const prepared = write.prepare(input);
  const row = prepared instanceof Promise ? await prepared : prepared;
  const modelMeta = { event: modelEvent, table: write.table, ...write.modelMeta, action: write.action };
  const modelFiltered = filterPayload(app, modelEvent, row, modelMeta, tx, write.modelTags);
  const stored = await write.store(modelFiltered instanceof Promise ? await modelFiltered : modelFiltered);
  const recorded = app.recorders.wants(write.context, tx);
  if (!recorded && !listened(app, tx, modelEvent, contextEvent)) return stored;
  const { record, payload, keys, previous } = write.outcome(stored, input);
  if (recorded) {
    const collection = write.modelMeta?.collection as string | undefined;
    await app.recorders.record(
      {
        context: write.context,
        action: write.action,
        table: write.table,
        tags: write.tags,
        collection,
        keys,
        record,
        previous,
      },
      tx,
    );
  }
  // the metas are built only for an event that has a listener: the activity log's and
  // revisions' own writes, made with every write, mostly have none
  const changed = previous === undefined ? { record } : { record, previous };
  if (listened(app, tx, modelEvent))
    emitAction(app, modelEvent, { ...modelMeta, ...changed }, tx, write.modelTags);
  if (listened(app, tx, contextEvent)) {
    const key = write.action === 'create' ? { key: keys[0] } : undefined;
    emitAction(app, contextEvent, { ...meta, payload, ...key, ...changed }, tx, write.tags);
  }
  return stored;
}

/** Whether an action of the write has a listener: if not, nothing needs its outcome. */
function listened(app: Core, tx: HookContext, ...names: string[]): boolean {
  return tx.emitEvents && names.some((name) => app.hooks.event(name).listens('action'));
}
