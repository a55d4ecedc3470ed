import type { Kysely } from 'kysely';
import type { PermissionsService, RolesService } from '../access/service.ts';
import type { RevisionsService } from '../activity/revisions.ts';
import type { ActivityService } from '../activity/service.ts';
import type { RecordData } from '../collections/types.ts';
import { type Accountability, type CallOptions, system } from '../context.ts';
import { MAX_PER_PAGE } from '../records/query.ts';
import type { Core } from './core.ts';

/** What Directus passes to a service: `{ schema, accountability, knex }`. */
export interface DirectusServiceOptions {
  schema?: unknown;
  accountability?: Accountability | null;
  /** The hook's transaction (`ctx.database`), to write inside it. */
  knex?: Kysely<any>;
  database?: Kysely<any>;
}

/** Directus' item query: `filter` (a Sluice filter string, or `{ field: { _eq: value } }`), `sort`, `limit`, `page`, `fields`. */
export interface DirectusQuery {
  filter?: string | Record<string, Record<string, unknown>>;
  sort?: string | string[];
  limit?: number;
  page?: number;
  fields?: string | string[];
}

type Key = string;

interface ItemsCrud {
  list(query: Record<string, unknown>, call: CallOptions): Promise<{ items: Record<string, unknown>[] }>;
  view(id: Key, call: CallOptions): Promise<Record<string, unknown>>;
  create(data: Record<string, unknown>, call: CallOptions): Promise<{ id: string }>;
  update(id: Key, data: Record<string, unknown>, call: CallOptions): Promise<{ id: string }>;
  delete(id: Key, call: CallOptions): Promise<void>;
}

const OPERATORS: Record<string, string> = {
  _eq: '=',
  _neq: '!=',
  _gt: '>',
  _gte: '>=',
  _lt: '<',
  _lte: '<=',
};

/** Directus' query as PocketBase's list parameters. */
function listParameters(query: DirectusQuery): Record<string, unknown> {
  const filter =
    typeof query.filter === 'object'
      ? Object.entries(query.filter)
          .flatMap(([field, conditions]) =>
            Object.entries(conditions).map(([operator, value]) => {
              const sign = OPERATORS[operator];
              if (!sign) throw new Error(`Unsupported filter operator "${operator}".`);
              return `${field} ${sign} ${JSON.stringify(value)}`;
            }),
          )
          .join(' && ')
      : query.filter;
  const join = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(',') : value);
  return {
    filter,
    sort: join(query.sort),
    fields: join(query.fields),
    perPage: query.limit === undefined || query.limit < 0 ? MAX_PER_PAGE : query.limit,
    page: query.page,
  };
}

/**
 * A Directus items service over one of Sluice's: `readByQuery`, `readOne`, `createOne`,
 * `createMany`, `updateOne`, `deleteOne`, run with the given accountability (none: the system's)
 * and inside the given transaction, so rules and hooks apply as for any other call.
 */
function itemsServiceOver(crud: ItemsCrud) {
  return class ItemsService {
    readonly #call: CallOptions;

    constructor(options: DirectusServiceOptions = {}) {
      this.#call = {
        accountability: options.accountability ?? system,
        ...(options.knex || options.database ? { database: options.knex ?? options.database } : {}),
      };
    }

    async readByQuery(query: DirectusQuery = {}): Promise<Record<string, unknown>[]> {
      return (await crud.list(listParameters(query), this.#call)).items;
    }

    readOne(key: Key): Promise<Record<string, unknown>> {
      return crud.view(key, this.#call);
    }

    async createOne(data: Record<string, unknown>): Promise<Key> {
      return (await crud.create(data, this.#call)).id;
    }

    async createMany(data: Record<string, unknown>[]): Promise<Key[]> {
      const keys: Key[] = [];
      for (const item of data) keys.push(await this.createOne(item));
      return keys;
    }

    async updateOne(key: Key, data: Record<string, unknown>): Promise<Key> {
      return (await crud.update(key, data, this.#call)).id;
    }

    async deleteOne(key: Key): Promise<Key> {
      await crud.delete(key, this.#call);
      return key;
    }
  };
}

export type DirectusItemsService = InstanceType<ReturnType<typeof itemsServiceOver>>;

export interface DirectusServices {
  /** `new ItemsService(collection, { schema, accountability, knex })`. */
  ItemsService: new (
    collection: string,
    options?: DirectusServiceOptions,
  ) => DirectusItemsService;
  ActivityService: new (options?: DirectusServiceOptions) => DirectusItemsService;
  RevisionsService: new (options?: DirectusServiceOptions) => DirectusItemsService;
  RolesService: new (options?: DirectusServiceOptions) => DirectusItemsService;
  PermissionsService: new (options?: DirectusServiceOptions) => DirectusItemsService;
}

interface RecordsCrud {
  list(
    collection: string,
    query: Record<string, unknown>,
    call: CallOptions,
  ): Promise<{ items: RecordData[] }>;
  view(collection: string, id: string, query: object, call: CallOptions): Promise<RecordData>;
  create(collection: string, data: Record<string, unknown>, call: CallOptions): Promise<RecordData>;
  update(
    collection: string,
    id: string,
    data: Record<string, unknown>,
    call: CallOptions,
  ): Promise<RecordData>;
  delete(collection: string, id: string, call: CallOptions): Promise<void>;
}

interface TableCrud {
  list(query: { page: number; perPage: number; filter: string; sort: string }): Promise<{ items: unknown[] }>;
  view(id: string): Promise<unknown>;
}

/** A system table's service as items: reads through its list and view, writes where it has them. */
function tableItems(
  table: TableCrud,
  writes: Partial<Pick<ItemsCrud, 'create' | 'update' | 'delete'>>,
): ItemsCrud {
  const refused = () => Promise.reject(new Error('This service is read-only here.'));
  return {
    list: async (query) => {
      const { page = 1, perPage = 30, filter = '', sort = '' } = query as Record<string, never>;
      return (await table.list({ page, perPage, filter, sort })) as { items: Record<string, unknown>[] };
    },
    view: (id) => table.view(id) as Promise<Record<string, unknown>>,
    create: (data, call) => writes.create?.(data, call) ?? refused(),
    update: (id, data, call) => writes.update?.(id, data, call) ?? refused(),
    delete: (id, call) => writes.delete?.(id, call) ?? refused(),
  };
}

/** Directus' service classes over Sluice's services. */
export function directusServices(
  core: Core,
  services: {
    records: RecordsCrud;
    activity: ActivityService;
    revisions: RevisionsService;
    roles: RolesService;
    permissions: PermissionsService;
  },
): DirectusServices {
  const { records, activity, revisions, roles, permissions } = services;
  const context = (call: CallOptions) => core.context(call);
  const accessWrites = (service: RolesService | PermissionsService) => ({
    create: (data: Record<string, unknown>, call: CallOptions) => service.create(data, context(call)),
    update: (id: string, data: Record<string, unknown>, call: CallOptions) =>
      service.update(id, data, context(call)),
    delete: (id: string, call: CallOptions) => service.delete(id, context(call)),
  });
  const Activity = itemsServiceOver(
    tableItems(activity, {
      update: (id, data, call) => activity.comment(id, data, context(call)),
      delete: (id, call) => activity.delete(id, context(call)),
    }),
  );
  const Revisions = itemsServiceOver(tableItems(revisions, {}));
  const Roles = itemsServiceOver(tableItems(roles, accessWrites(roles)));
  const Permissions = itemsServiceOver(tableItems(permissions, accessWrites(permissions)));
  return {
    ItemsService: class {
      constructor(collection: string, options?: DirectusServiceOptions) {
        const Items = itemsServiceOver({
          list: (query, call) => records.list(collection, query, call),
          view: (id, call) => records.view(collection, id, {}, call),
          create: (data, call) => records.create(collection, data, call),
          update: (id, data, call) => records.update(collection, id, data, call),
          delete: (id, call) => records.delete(collection, id, call),
        });
        // biome-ignore lint/correctness/noConstructorReturn: the instance is the bound service
        return new Items(options);
      }
    } as unknown as DirectusServices['ItemsService'],
    ActivityService: Activity,
    RevisionsService: Revisions,
    RolesService: Roles,
    PermissionsService: Permissions,
  };
}
