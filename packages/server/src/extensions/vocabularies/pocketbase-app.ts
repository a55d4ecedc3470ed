import { randomInt } from 'node:crypto';
import {
  ForbiddenError,
  type Hooks,
  InvalidPayloadError,
  NotFoundError,
  SluiceError,
  UnauthorizedError,
  type Unregister,
} from '@sluice/hooks';
import { newId } from '../../collections/ids.ts';
import type { CallOptions } from '../../context.ts';
import type { ReadNowQuery } from '../../records/operations/read-now.ts';
import type { ExtensionContext } from '../types.ts';
import { runningHandler } from './pocketbase.ts';
import { httpSend } from './pocketbase-http.ts';
import { type PocketBaseRecord, pocketbaseRecord } from './pocketbase-record.ts';
import { currentWrites, PendingWrite, trackWrites } from './pocketbase-writes.ts';

type Data = Record<string, unknown>;

/** Fields the server sets; a saved record passes on the others. */
const SYSTEM_FIELDS = new Set(['id', 'created', 'updated', 'collectionId', 'collectionName', 'expand']);

/** Records read from the database (saving one updates it); a `new Record(…)` is created. */
const stored = new WeakSet<object>();

const CODES: Record<number, string> = {
  400: 'SLUICE_ERR_INVALID_PAYLOAD',
  401: 'SLUICE_ERR_UNAUTHORIZED',
  403: 'SLUICE_ERR_FORBIDDEN',
  404: 'SLUICE_ERR_NOT_FOUND',
};

/** PocketBase's `data` argument, kept when it has the shape of field errors. */
function detailsOf(data: unknown): Record<string, { code: string; message: string }> | undefined {
  if (data === null || typeof data !== 'object') return undefined;
  const details: Record<string, { code: string; message: string }> = {};
  for (const [field, value] of Object.entries(data as Data)) {
    const detail = value as { code?: unknown; message?: unknown } | string;
    details[field] =
      typeof detail === 'string'
        ? { code: 'invalid', message: detail }
        : { code: String(detail?.code ?? 'invalid'), message: String(detail?.message ?? detail) };
  }
  return details;
}

/** PocketBase's error classes, as Sluice's typed errors: a throw answers with their status. */
export class ApiError extends SluiceError {
  constructor(status = 400, message = 'Something went wrong.', data?: unknown) {
    super(status, CODES[status] ?? `SLUICE_ERR_HTTP_${status}`, message, detailsOf(data));
  }
}
const errorClass = (Base: new (message?: unknown, details?: any) => SluiceError) =>
  class extends Base {
    constructor(message?: string, data?: unknown) {
      super(message, detailsOf(data));
    }
  };
export const pocketbaseErrors = {
  ApiError,
  BadRequestError: errorClass(InvalidPayloadError),
  UnauthorizedError: errorClass(UnauthorizedError),
  ForbiddenError: errorClass(ForbiddenError),
  NotFoundError: errorClass(NotFoundError),
};

/** Placeholders `{:name}` of a PocketBase filter, replaced by the parameters' values. */
function bindParams(filter: string, params: Data[]): string {
  const values: Data = Object.assign({}, ...params);
  return filter.replace(/\{:(\w+)\}/g, (placeholder, name: string) =>
    name in values ? JSON.stringify(values[name]) : placeholder,
  );
}

function asRecord(data: Data, collection: string): PocketBaseRecord {
  const record = pocketbaseRecord(data, collection)!;
  stored.add(record);
  return record;
}

function collectionOf(record: PocketBaseRecord): string {
  const name = record.collectionName ?? record.tableName();
  if (typeof name !== 'string') throw new TypeError('The record names no collection.');
  return name;
}

/** `findRecordsByFilter`'s limit 0: every record, as in PocketBase. */
const NO_LIMIT = Number.MAX_SAFE_INTEGER;

/**
 * PocketBase's `$app.dao()`, synchronous as in PocketBase, so hook files run unchanged (and
 * `await` on a call still works). Reads answer at once: the committed data (see
 * `RecordsService.readNow`), as the system, without the read hooks — PocketBase's dao runs no
 * request hooks either. Writes go through the record operations, so their hooks, the write
 * pipeline and its recorders run (as the system, bypassing the API rules, as in PocketBase);
 * called from a handler before the commit, they join its transaction. A write returns at once
 * and runs after the writes the same handler started before it; the handler counts as finished
 * once they are all done (see `trackWrites`). Awaiting it waits for it.
 */
export function pocketbaseDao(context: ExtensionContext) {
  const records = () => context.services.records;
  const options = (): CallOptions => {
    const database = runningHandler.getStore()?.database as CallOptions['database'];
    return database ? { database } : {};
  };
  const readNow = (collection: string, query: ReadNowQuery) => {
    const name = records().collection(collection).name;
    return records()
      .readNow(collection, query)
      .map((item) => asRecord(item, name));
  };
  const first = (collection: string, query: Omit<ReadNowQuery, 'limit'>, missing: () => string) => {
    const [found] = readNow(collection, { ...query, limit: 1 });
    if (!found) throw new NotFoundError(missing());
    return found;
  };
  const write = <T>(run: () => Promise<T>): PendingWrite<T> => {
    const writes = currentWrites();
    if (writes) return writes.start(run);
    // outside a handler (a file's top-level code): nobody waits for it unless the caller does
    const pending = new PendingWrite(run());
    pending.promise.catch((error: unknown) => {
      if (!pending.observed) context.logger.error({ err: error }, 'A write of a hook file failed.');
    });
    return pending;
  };
  return {
    findCollectionByNameOrId: (nameOrId: string) => records().collection(nameOrId),
    findRecordById(collection: string, id: string) {
      return first(
        collection,
        { ids: [String(id)] },
        () => `No "${collection}" record has the id ${JSON.stringify(id)}.`,
      );
    },
    findRecordsByIds(collection: string, ids: readonly string[]) {
      return readNow(collection, { ids: ids.map(String), limit: NO_LIMIT });
    },
    findFirstRecordByData(collection: string, field: string, value: unknown) {
      if (!/^\w+$/.test(field)) throw new InvalidPayloadError(`Invalid field name ${JSON.stringify(field)}.`);
      return first(
        collection,
        { filter: `${field} = ${JSON.stringify(value)}` },
        () => `No "${collection}" record has ${field} = ${JSON.stringify(value)}.`,
      );
    },
    findFirstRecordByFilter(collection: string, filter: string, ...params: Data[]) {
      return first(
        collection,
        { filter: bindParams(filter, params) },
        () => `No "${collection}" record matches ${JSON.stringify(filter)}.`,
      );
    },
    findRecordsByFilter(
      collection: string,
      filter: string,
      sort = '',
      limit = 0,
      offset = 0,
      ...params: Data[]
    ) {
      return readNow(collection, {
        filter: bindParams(filter, params),
        sort,
        limit: limit > 0 ? limit : NO_LIMIT,
        offset: Math.max(0, offset),
      });
    },
    findAuthRecordByEmail(collection: string, email: string) {
      return first(
        collection,
        { filter: `email = ${JSON.stringify(email)}` },
        () => `No "${collection}" record has the email ${JSON.stringify(email)}.`,
      );
    },
    /**
     * Updates a record read from the database (or one whose id is stored), creates any other; a
     * new record gets its id at once, so that `record.id` can be used before the write is done.
     */
    saveRecord(record: PocketBaseRecord) {
      const collection = collectionOf(record);
      const data: Data = {};
      for (const [field, value] of Object.entries(record)) if (!SYSTEM_FIELDS.has(field)) data[field] = value;
      // a record of a hook's `e` (`e.record` in an After hook) is stored too: found by its id
      const update =
        typeof record.id === 'string' &&
        record.id !== '' &&
        (stored.has(record) || readNow(collection, { ids: [record.id], limit: 1 }).length > 0);
      if (!update && !record.id) record.id = newId();
      const id = String(record.id);
      // a record saved again before this write is done is updated by the next one
      stored.add(record);
      const database = options();
      return write(async () => {
        const saved = update
          ? await records().update(collection, id, data, database)
          : await records().create(collection, { ...data, id }, database);
        Object.assign(record, saved);
      });
    },
    deleteRecord(record: PocketBaseRecord) {
      const collection = collectionOf(record);
      const id = String(record.id);
      const database = options();
      return write(() => records().delete(collection, id, database));
    },
  };
}

/** `new Record(collection, data?)`: a record to save with `$app.dao().saveRecord(record)`. */
export function RecordClass(this: unknown, collection: string | { name: string }, data: Data = {}) {
  const name = typeof collection === 'string' ? collection : collection?.name;
  return pocketbaseRecord({ ...data }, name);
}

/** Cron jobs by name, per engine: `cronAdd` with a known name replaces its job. */
const cronJobs = new WeakMap<object, Map<string, Unregister>>();

export function pocketbaseCron(hooks: Hooks<any, any>, owner: string) {
  let jobs = cronJobs.get(hooks);
  if (!jobs) {
    jobs = new Map();
    cronJobs.set(hooks, jobs);
  }
  const named = jobs;
  return {
    cronAdd(name: string, expression: string, handler: (run: unknown) => unknown): void {
      if (typeof handler !== 'function')
        throw new TypeError(`cronAdd: the handler of "${name}" must be a function.`);
      named.get(name)?.();
      named.set(
        name,
        hooks.schedule(expression, (run) => trackWrites(() => handler(run)), { owner, name }),
      );
    },
    cronRemove(name: string): void {
      named.get(name)?.();
      named.delete(name);
    },
  };
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `$http` and `$security`: PocketBase's helpers. `$http.send` answers synchronously, as in PocketBase. */
export const pocketbaseHelpers = {
  $http: { send: httpSend },
  $security: {
    randomString(length: number): string {
      let text = '';
      for (let i = 0; i < length; i++) text += ALPHABET[randomInt(ALPHABET.length)];
      return text;
    },
  },
};
