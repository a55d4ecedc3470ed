const TABLE = Symbol('table');

type Data = Record<string, unknown>;

function toNumber(value: unknown): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim() || 0) : 0;
  return Number.isFinite(n) ? n : 0;
}

/** The methods PocketBase scripts call on records and models; data stays in own fields. */
const recordMethods = {
  get(this: Data, field: string): unknown {
    return this[field];
  },
  set(this: Data, field: string, value: unknown): void {
    this[field] = value;
  },
  /** PocketBase's typed getters: the value cast as Go's `cast` package does, its zero value otherwise. */
  getString(this: Data, field: string): string {
    const value = this[field];
    if (value === null || value === undefined) return '';
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  },
  getInt(this: Data, field: string): number {
    return Math.trunc(toNumber(this[field]));
  },
  getFloat(this: Data, field: string): number {
    return toNumber(this[field]);
  },
  getBool(this: Data, field: string): boolean {
    const value = this[field];
    if (typeof value === 'string') return ['1', 't', 'true'].includes(value.trim().toLowerCase());
    return typeof value === 'number' ? value !== 0 : value === true;
  },
  getStringSlice(this: Data, field: string): string[] {
    const value = this[field];
    if (Array.isArray(value)) return value.map(String);
    return value === null || value === undefined || value === '' ? [] : [String(value)];
  },
  /** Leaves fields out of what is sent (in `onRecordEnrich`). */
  hide(this: Data, ...fields: string[]): Data {
    for (const field of fields) delete this[field];
    return this;
  },
  /** Kept for PocketBase's scripts: fields a handler sets are sent without it. */
  withCustomData(this: Data): Data {
    return this;
  },
  /** The table a model is stored in (`e.model.tableName()`). */
  tableName(this: Data & { [TABLE]?: string }): string | undefined {
    return this[TABLE];
  },
};

export type PocketBaseRecord = Data & typeof recordMethods;

/**
 * A copy of `data` with PocketBase's `get`/`set`/`tableName` methods on its prototype, so
 * `JSON.stringify`, spreading and `Object.keys` see the fields only.
 */
export function pocketbaseRecord(data: unknown, table?: string): PocketBaseRecord | null {
  if (data === null || typeof data !== 'object') return null;
  const record = Object.assign(Object.create(recordMethods), data) as PocketBaseRecord;
  if (table !== undefined) Object.defineProperty(record, TABLE, { value: table, enumerable: false });
  return record;
}

/** The fields of a record a handler may have changed or replaced, as a plain object. */
export function recordData(record: unknown): Data | null {
  if (record === null || typeof record !== 'object') return null;
  return { ...(record as Data) };
}

/**
 * The changes an update filter should pass on: the fields it was given, plus any field the
 * handler changed on the merged record (unchanged values keep their identity).
 */
export function changedFields(current: Data | undefined, merged: Data, given: Data): Data {
  const changes: Data = {};
  for (const [field, value] of Object.entries(merged)) {
    if (field in given || !current || current[field] !== value) changes[field] = value;
  }
  return changes;
}
