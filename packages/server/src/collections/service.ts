import { InvalidPayloadError, NotFoundError } from '@sluice/hooks';
import type { Core } from '../app/core.ts';
import { inTransaction } from '../app/transaction.ts';
import { announce } from '../cluster/announce.ts';
import type { HookContext } from '../context.ts';
import { removeCollectionFiles } from '../files/record-files.ts';
import { compileFilter, compileSort } from '../filter/index.ts';
import { isJsonObject } from '../json.ts';
import { emitAction, filterPayload } from '../records/operations/events.ts';
import { runWrite } from '../writes/pipeline.ts';
import { alterCollectionTable, createCollectionTable, dropCollectionTable } from './ddl.ts';
import { normalizeCollection } from './schema.ts';
import { deleteCollection, insertCollection, updateCollection } from './store.ts';
import type { Collection, Field } from './types.ts';

const TABLE = '_collections';
const TABLE_TAGS = [TABLE] as const;

export interface CollectionList {
  page: number;
  perPage: number;
  totalItems: number;
  totalPages: number;
  items: Collection[];
}

export interface CollectionListQuery {
  page?: number;
  perPage?: number;
  filter?: string;
  sort?: string;
}

/** The `_collections` columns a `filter` or `sort` on the collection list may name. */
const listable: Collection = {
  id: TABLE,
  name: TABLE,
  type: 'base',
  system: true,
  fields: (
    [
      ['id', 'text'],
      ['name', 'text'],
      ['type', 'text'],
      ['system', 'bool'],
      ['created', 'autodate'],
      ['updated', 'autodate'],
    ] as const
  ).map(([name, type]) => ({ id: `${TABLE}_${name}`, name, type, system: true })),
  indexes: [],
  listRule: null,
  viewRule: null,
  createRule: null,
  updateRule: null,
  deleteRule: null,
  created: '',
  updated: '',
};

/**
 * Collections and their tables. Each change runs in one transaction: the `_collections` row,
 * the table DDL and the hooks (`collections.*`, `fields.*`, `model.*` for `_collections`);
 * the in-memory schema follows only after the commit.
 */
export class CollectionsService {
  constructor(private readonly app: Core) {}

  find(idOrName: string): Collection {
    const collection = this.app.schema.get(idOrName);
    if (!collection) throw new NotFoundError('The requested resource wasn’t found.');
    return collection;
  }

  async list(ctx: HookContext, query: CollectionListQuery = {}): Promise<CollectionList> {
    const all = query.filter || query.sort ? await this.#select(ctx, query) : [...this.app.schema.all()];
    const perPage = query.perPage ?? 30;
    const page = query.page ?? 1;
    const result = {
      page,
      perPage,
      totalItems: all.length,
      totalPages: Math.ceil(all.length / perPage),
      items: all.slice((page - 1) * perPage, page * perPage),
    };
    return filterPayload(this.app, 'collections.list', result, { event: 'collections.list' }, ctx, []);
  }

  /** The collections a `filter` matches, in `sort` order, compiled to SQL over `_collections`. */
  async #select(ctx: HookContext, query: CollectionListQuery): Promise<Collection[]> {
    const filterCtx = {
      dialect: this.app.database.dialect,
      collection: listable,
      getCollection: () => undefined,
      auth: ctx.accountability.record,
      allowHiddenFields: true,
    };
    const executor = ctx.database.isTransaction ? ctx.database : this.app.database.reader;
    let select = executor.selectFrom(TABLE).select('id');
    if (query.filter) select = select.where(compileFilter(query.filter, filterCtx));
    for (const term of compileSort(query.sort ?? '', filterCtx)) select = select.orderBy(term);
    const rows = await select.execute();
    return rows
      .map((row) => this.app.schema.get(String(row.id)))
      .filter((collection): collection is Collection => collection !== undefined);
  }

  async view(idOrName: string, ctx: HookContext): Promise<Collection> {
    return filterPayload(
      this.app,
      'collections.view',
      this.find(idOrName),
      { event: 'collections.view' },
      ctx,
      [],
    );
  }

  async create(input: unknown, ctx: HookContext): Promise<Collection> {
    const created = await inTransaction(this.app, ctx, (tx) => this.#create(input, tx));
    this.app.schema.set(created);
    await announce(this.app, 'schema');
    return created;
  }

  async update(idOrName: string, input: unknown, ctx: HookContext): Promise<Collection> {
    const before = this.find(idOrName);
    const updated = await inTransaction(this.app, ctx, (tx) => this.#update(before, input, tx));
    this.app.schema.set(updated);
    await announce(this.app, 'schema');
    return updated;
  }

  async delete(idOrName: string, ctx: HookContext): Promise<void> {
    const collection = this.find(idOrName);
    await inTransaction(this.app, ctx, (tx) => this.#delete(collection, tx));
    this.app.schema.remove(collection.id);
    await announce(this.app, 'schema');
  }

  /** PUT /api/collections/import: creates and updates as given; `deleteMissing` drops the rest. */
  async import(input: unknown, ctx: HookContext): Promise<void> {
    if (!isJsonObject(input) || !Array.isArray(input.collections)) {
      throw new InvalidPayloadError('Invalid import.', {
        collections: { code: 'validation_required', message: 'Must be a list of collections.' },
      });
    }
    await inTransaction(this.app, ctx, async (tx) => {
      const payload = await filterPayload(
        this.app,
        'collections.import',
        { collections: input.collections as unknown[], deleteMissing: input.deleteMissing === true },
        { event: 'collections.import' },
        tx,
        [],
      );
      const kept = new Set<string>();
      for (const [index, item] of payload.collections.entries()) {
        try {
          const key = isJsonObject(item) ? String(item.id ?? item.name ?? '') : '';
          const existing = key ? this.app.schema.get(key) : undefined;
          const saved = existing ? await this.#update(existing, item, tx) : await this.#create(item, tx);
          kept.add(saved.id);
          this.app.schema.set(saved);
        } catch (error) {
          if (error instanceof InvalidPayloadError) {
            const details = Object.fromEntries(
              Object.entries(error.details).map(([field, detail]) => [
                `collections.${index}.${field}`,
                detail,
              ]),
            );
            throw new InvalidPayloadError(error.message, details);
          }
          throw error;
        }
      }
      if (payload.deleteMissing) {
        const missing = [...this.app.schema.all()].filter(
          (collection) => !kept.has(collection.id) && !collection.system,
        );
        const leaving = new Set(missing.map((collection) => collection.id));
        for (const collection of missing) {
          await this.#delete(collection, tx, leaving);
          this.app.schema.remove(collection.id);
        }
      }
      emitAction(this.app, 'collections.import', { event: 'collections.import', payload }, tx, []);
    }).catch(async (error) => {
      await this.app.schema.reload(this.app.database.db);
      throw error;
    });
    await announce(this.app, 'schema');
  }

  async #create(input: unknown, tx: HookContext): Promise<Collection> {
    const normalized = normalizeCollection(input, undefined, this.#lookup);
    return runWrite(this.app, tx, {
      context: 'collections',
      action: 'create',
      table: TABLE,
      tags: [],
      modelTags: TABLE_TAGS,
      meta: { collection: normalized.name },
      input: normalized,
      prepare: (filtered) => this.#withFieldEvents(undefined, this.#renormalized(filtered, normalized), tx),
      store: async (row) => {
        const collection = this.#renormalized(row, normalized);
        await insertCollection(tx.database, collection);
        await createCollectionTable(tx.database, this.app.database.dialect, collection);
        return collection;
      },
      outcome: (collection) => ({ record: collection, payload: collection, keys: [collection.id] }),
    });
  }

  async #update(before: Collection, input: unknown, tx: HookContext): Promise<Collection> {
    const normalized = normalizeCollection(input, before, this.#lookup);
    return runWrite(this.app, tx, {
      context: 'collections',
      action: 'update',
      table: TABLE,
      tags: [],
      modelTags: TABLE_TAGS,
      meta: { collection: before.name, keys: [before.id], previous: before },
      input: normalized,
      prepare: (filtered) =>
        this.#withFieldEvents(before, this.#renormalized(filtered, normalized, before), tx),
      store: async (row) => {
        const after = this.#renormalized(row, normalized, before);
        await updateCollection(tx.database, after);
        await alterCollectionTable(tx.database, this.app.database.dialect, before, after);
        return after;
      },
      outcome: (after) => ({ record: after, payload: after, keys: [before.id], previous: before }),
    });
  }

  /** A collection a hook replaced is checked again, as if it had been sent so. */
  #renormalized(candidate: unknown, normalized: Collection, before?: Collection): Collection {
    return candidate === normalized ? normalized : normalizeCollection(candidate, before, this.#lookup);
  }

  readonly #lookup = { getCollection: (idOrName: string) => this.app.schema.get(idOrName) };

  /** `leaving`: collections deleted along with this one, whose relations to it do not hold it back. */
  async #delete(collection: Collection, tx: HookContext, leaving?: ReadonlySet<string>): Promise<void> {
    if (collection.system) throw new InvalidPayloadError('System collections cannot be deleted.');
    const referencing = this.app.schema
      .all()
      .find(
        (other) =>
          other.id !== collection.id &&
          !leaving?.has(other.id) &&
          other.fields.some((field) => field.collectionId === collection.id),
      );
    if (referencing) {
      throw new InvalidPayloadError(`The collection is still referenced by "${referencing.name}".`);
    }
    await runWrite(this.app, tx, {
      context: 'collections',
      action: 'delete',
      table: TABLE,
      tags: [],
      modelTags: TABLE_TAGS,
      meta: { collection: collection.name, keys: [collection.id] },
      input: collection,
      prepare: () => collection,
      store: async () => {
        await deleteCollection(tx.database, collection.id);
        await dropCollectionTable(tx.database, this.app.database.dialect, collection);
        removeCollectionFiles(this.app, tx, collection);
      },
      outcome: () => ({ record: collection, payload: collection, keys: [collection.id] }),
    });
  }

  /**
   * The `fields.*` events of a collection change, for each field added, changed or removed; a
   * `fields.create`/`fields.update` filter may replace the field, and the collection is then
   * checked again with it.
   */
  async #withFieldEvents(
    before: Collection | undefined,
    after: Collection,
    tx: HookContext,
  ): Promise<Collection> {
    const beforeFields = new Map(before?.fields.map((field) => [field.id, field]));
    const afterIds = new Set(after.fields.map((field) => field.id));
    let replaced = false;
    const fields: Field[] = [];
    for (const field of after.fields) {
      const old = beforeFields.get(field.id);
      const action = !old
        ? field.system
          ? undefined
          : 'create'
        : JSON.stringify(old) !== JSON.stringify(field)
          ? 'update'
          : undefined;
      const kept = action ? await this.#fieldEvent(action, after, field, tx) : field;
      if (kept !== field) replaced = true;
      fields.push(kept);
    }
    for (const field of before?.fields ?? []) {
      if (!afterIds.has(field.id)) await this.#fieldEvent('delete', after, field, tx);
    }
    return replaced ? normalizeCollection({ ...after, fields }, before, this.#lookup) : after;
  }

  async #fieldEvent(
    action: 'create' | 'update' | 'delete',
    collection: Collection,
    field: Field,
    tx: HookContext,
  ): Promise<Field> {
    const name = `fields.${action}`;
    const meta = { event: name, collection: collection.name };
    const tags = [collection.name];
    const kept = await filterPayload(this.app, name, field, meta, tx, tags);
    emitAction(this.app, name, { ...meta, payload: kept }, tx, tags);
    return kept;
  }
}
