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
import type { CallOptions } from '../../context.ts';
import type { ExtensionContext } from '../types.ts';
import { runningHandler } from './pocketbase.ts';
import { type PocketBaseRecord, pocketbaseRecord } from './pocketbase-record.ts';

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

/**
 * PocketBase's `$app.dao()`: reads and writes go through the record operations, so their hooks,
 * rules of the write pipeline and recorders run as for any write (as the system, bypassing the
 * API rules, as in PocketBase). Called from a handler, they join its transaction. Unlike
 * PocketBase's, each method returns a promise: `await` it.
 */
export function pocketbaseDao(context: ExtensionContext) {
  const records = () => context.services.records;
  const options = (): CallOptions => {
    const database = runningHandler.getStore()?.database as CallOptions['database'];
    return database ? { database } : {};
  };
  return {
    findCollectionByNameOrId: (nameOrId: string) => records().collection(nameOrId),
    async findRecordById(collection: string, id: string) {
      const found = await records().view(collection, id, {}, options());
      return asRecord(found, records().collection(collection).name);
    },
    async findFirstRecordByData(collection: string, field: string, value: unknown) {
      if (!/^\w+$/.test(field)) throw new InvalidPayloadError(`Invalid field name ${JSON.stringify(field)}.`);
      const list = await records().list(
        collection,
        { filter: `${field} = ${JSON.stringify(value)}`, perPage: 1, skipTotal: true },
        options(),
      );
      const [first] = list.items;
      if (!first)
        throw new NotFoundError(`No "${collection}" record has ${field} = ${JSON.stringify(value)}.`);
      return asRecord(first, records().collection(collection).name);
    },
    async findRecordsByFilter(
      collection: string,
      filter: string,
      sort = '',
      limit = 0,
      offset = 0,
      ...params: Data[]
    ) {
      const perPage = limit > 0 ? limit : 500;
      const list = await records().list(
        collection,
        {
          filter: bindParams(filter, params),
          sort,
          perPage,
          page: Math.floor(offset / perPage) + 1,
          skipTotal: true,
        },
        options(),
      );
      const name = records().collection(collection).name;
      return list.items.map((item) => asRecord(item, name));
    },
    async saveRecord(record: PocketBaseRecord) {
      const collection = collectionOf(record);
      const data: Data = {};
      for (const [field, value] of Object.entries(record)) if (!SYSTEM_FIELDS.has(field)) data[field] = value;
      const saved =
        stored.has(record) && typeof record.id === 'string'
          ? await records().update(collection, record.id, data, options())
          : await records().create(
              collection,
              { ...data, ...(record.id ? { id: record.id } : {}) },
              options(),
            );
      Object.assign(record, saved);
      stored.add(record);
    },
    async deleteRecord(record: PocketBaseRecord) {
      await records().delete(collectionOf(record), String(record.id), options());
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
    cronAdd(name: string, expression: string, handler: () => unknown): void {
      if (typeof handler !== 'function')
        throw new TypeError(`cronAdd: the handler of "${name}" must be a function.`);
      named.get(name)?.();
      named.set(name, hooks.schedule(expression, handler, { owner, name }));
    },
    cronRemove(name: string): void {
      named.get(name)?.();
      named.delete(name);
    },
  };
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export interface HttpSendOptions {
  url: string;
  method?: string;
  body?: string | Data;
  headers?: Record<string, string>;
  /** Seconds, as in PocketBase. Default 120. */
  timeout?: number;
}

/** `$http` and `$security`: PocketBase's helpers. `$http.send` returns a promise. */
export const pocketbaseHelpers = {
  $http: {
    async send({ url, method = 'GET', body, headers = {}, timeout = 120 }: HttpSendOptions) {
      const response = await fetch(url, {
        method,
        headers,
        body: body === undefined || typeof body === 'string' ? body : JSON.stringify(body),
        signal: AbortSignal.timeout(timeout * 1000),
      });
      const raw = await response.text();
      let json: unknown = null;
      try {
        json = raw === '' ? null : JSON.parse(raw);
      } catch {
        json = null;
      }
      return { statusCode: response.status, headers: Object.fromEntries(response.headers), raw, json };
    },
  },
  $security: {
    randomString(length: number): string {
      let text = '';
      for (let i = 0; i < length; i++) text += ALPHABET[randomInt(ALPHABET.length)];
      return text;
    },
  },
};
