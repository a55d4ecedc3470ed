import { InvalidPayloadError, NotFoundError } from '@sluice/hooks';
import type { Kysely } from 'kysely';
import type { Core } from '../app/core.ts';
import { newId } from '../collections/ids.ts';
import type { HookContext } from '../context.ts';
import { insertRow } from '../db/insert-row.ts';
import { andThen } from '../maybe-async.ts';
import { nowDate } from '../records/dates.ts';
import { runWrite, type WriteContext } from './pipeline.ts';

/** A row of a system table as its API shows it. */
export interface SystemItem {
  id: string;
  created: string;
}

/**
 * One system table (roles, permissions, presets, activity, revisions, relations) written through
 * the pipeline under its Directus context (`roles.create`, …).
 */
export interface SystemTable<T extends SystemItem> {
  /** The events' context: `roles`, `permissions`… */
  context: WriteContext;
  /** The table, and the tag of its model events. */
  table: string;
  fromRow(row: Record<string, unknown>): T;
  toRow(item: T): Record<string, unknown>;
  /** The tags of the context events (the collection an entry is about), if any. */
  tags?(item: Partial<T>): readonly string[];
  /** What actions and recorders carry of an item (all of it unless this leaves something out). */
  public?(item: T): unknown;
  /**
   * Ids that sort in the order they were made (logs written with every write): each insert
   * then lands at the end of the primary key's index instead of a random page of it.
   */
  sequentialIds?: boolean;
}

let lastTime = 0;
/** `timePrefix(lastTime)`, made once a millisecond: radix 36 is slow to print. */
let lastPrefix = timePrefix(0);
let sequence = 0;

/**
 * A 15-character id of [a-z0-9] that sorts after every id made before it in this process: the
 * time in milliseconds (9 characters), a counter within the millisecond (3) and 3 random
 * characters, so that instances writing at once do not collide (`random`: those characters, for a
 * caller that makes many at once).
 */
export function sequentialId(now = Date.now(), random = newId(3)): string {
  if (now > lastTime) {
    lastTime = now;
    lastPrefix = timePrefix(now);
    sequence = 0;
  } else sequence++;
  return `${lastPrefix}${sequence.toString(36).padStart(3, '0')}${random}`;
}

/** The part of a sequential id that says when it was made: ids made before `time` sort below it. */
export function timePrefix(time: number): string {
  return time.toString(36).padStart(9, '0');
}

const NO_TAGS: readonly string[] = [];

function tagsOf<T extends SystemItem>(table: SystemTable<T>, item: Partial<T>): readonly string[] {
  return table.tags ? table.tags(item) : NO_TAGS;
}

function shown<T extends SystemItem>(table: SystemTable<T>, item: T): unknown {
  return table.public ? table.public(item) : item;
}

export async function findItem<T extends SystemItem>(
  executor: Kysely<any>,
  table: SystemTable<T>,
  id: string,
): Promise<T> {
  const row = await executor.selectFrom(table.table).selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError(`Missing ${table.context} item "${id}".`);
  return table.fromRow(row);
}

/**
 * Creates an item: `<context>.create` filter (on `input`) → `build` (validation) →
 * `model.create` filter → insert → recorders → actions after the commit.
 */
export function createItem<T extends SystemItem, I extends Record<string, unknown>>(
  core: Core,
  tx: HookContext,
  table: SystemTable<T>,
  input: I,
  build: (input: I, base: SystemItem & { updated: string }) => T | Promise<T>,
): Promise<T> {
  return runWrite(core, tx, {
    context: table.context,
    action: 'create',
    table: table.table,
    tags: tagsOf(table, input as Partial<T>),
    modelTags: [table.table],
    meta: { collection: table.table },
    input,
    // the model filter gets the row to store, as for every table
    prepare: (filtered) => {
      const now = nowDate();
      const item = build(filtered, {
        id: table.sequentialIds ? sequentialId() : newId(),
        created: now,
        updated: now,
      });
      return andThen(item, (built) => table.toRow(built));
    },
    store: async (row) => {
      await insertRow(tx.database, table.table, row);
      return table.fromRow(row);
    },
    outcome: (item, filtered) => ({ record: shown(table, item), payload: filtered, keys: [item.id] }),
  });
}

/** Updates an item: as `createItem`, with `build` given the current item. */
export function updateItem<T extends SystemItem, I extends Record<string, unknown>>(
  core: Core,
  tx: HookContext,
  table: SystemTable<T>,
  current: T,
  input: I,
  build: (input: I, current: T) => T | Promise<T>,
): Promise<T> {
  return runWrite(core, tx, {
    context: table.context,
    action: 'update',
    table: table.table,
    tags: tagsOf(table, current),
    modelTags: [table.table],
    meta: { collection: table.table, keys: [current.id] },
    input,
    prepare: async (filtered) => table.toRow(await build(filtered, current)),
    store: async (row) => {
      await tx.database.updateTable(table.table).set(row).where('id', '=', current.id).execute();
      return table.fromRow(row);
    },
    outcome: (item, filtered) => ({
      record: shown(table, item),
      payload: filtered,
      keys: [item.id],
      previous: shown(table, current),
    }),
  });
}

/** Deletes items (of one tag set: the events carry the first item's tags). */
export async function deleteItems<T extends SystemItem>(
  core: Core,
  tx: HookContext,
  table: SystemTable<T>,
  items: T[],
): Promise<void> {
  if (items.length === 0) return;
  await runWrite(core, tx, {
    context: table.context,
    action: 'delete',
    table: table.table,
    tags: tagsOf(table, items[0]),
    modelTags: [table.table],
    meta: { collection: table.table },
    input: items.map((item) => item.id),
    // the model filter gets a row, as for every table: here, the keys being removed
    prepare: (keys) => ({ keys }),
    store: async ({ keys }) => {
      await tx.database.deleteFrom(table.table).where('id', 'in', keys).execute();
      return keys;
    },
    outcome: (keys) => ({
      record: items.length === 1 ? shown(table, items[0]) : items.map((item) => shown(table, item)),
      payload: keys,
      keys,
    }),
  });
}

/** A JSON column's value, or `fallback` when empty. */
export function parseJson<T>(value: unknown, fallback: T): T {
  if (value === null || value === undefined || value === '') return fallback;
  return JSON.parse(String(value)) as T;
}

/** The 400 of a bad field of a system item's input, naming the field and why. */
export function invalidField(field: string, message: string): Error {
  return new InvalidPayloadError(`Invalid ${field}.`, {
    [field]: { code: 'validation_invalid_value', message },
  });
}
