import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import { storageKind } from '../collections/fields.ts';
import type { Collection, Field } from '../collections/types.ts';
import type { Accountability } from '../context.ts';
import type { Dialect } from '../db/types.ts';
import type { FilterContext } from '../filter/context.ts';
import { callerFilterContext, compileFilter } from '../filter/index.ts';
import type { RecordRow } from '../records/store.ts';
import type { Subscription } from './subscriptions.ts';

const ALIAS = '__record';

/**
 * The stored row as a one-row table, `(SELECT CAST(? AS type) AS "field", …) AS "__record"`, so
 * that rules and filters are evaluated against the record as it was when it changed — after a
 * delete it is nowhere else. Relations and `@collection` still join the live tables.
 */
export function rowTable(collection: Collection, row: RecordRow, dialect: Dialect) {
  const columns = collection.fields.map(
    (field) =>
      sql`CAST(${row[field.name] ?? null} AS ${sql.raw(columnType(field, dialect))}) AS ${sql.id(field.name)}`,
  );
  return sql`(SELECT ${sql.join(columns)})`.as(ALIAS);
}

function columnType(field: Field, dialect: Dialect): string {
  if (field.primaryKey) return 'TEXT';
  switch (storageKind(field)) {
    case 'number':
      return dialect === 'postgres' ? 'DOUBLE PRECISION' : 'REAL';
    case 'bool':
      return 'INTEGER';
    default:
      return 'TEXT';
  }
}

/**
 * The condition a client's message passes: the collection's list rule (collection
 * subscriptions) or view rule (record subscriptions) with the client's auth, and the
 * subscription's `filter` option; `grantRules` are the rules of the permissions that open the
 * same action to the client. `false` when nothing opens it, `undefined`
 * when nothing restricts. Rules see `@request.query`/`@request.headers` from the options.
 */
export function visibilityCondition(
  collection: Collection,
  subscription: Subscription,
  who: Accountability,
  dialect: Dialect,
  getCollection: (idOrName: string) => Collection | undefined,
  grantRules: readonly string[] = [],
): Expression<SqlBool> | false | undefined {
  const base = filterContext(collection, subscription, who, dialect, getCollection);
  const conditions: Expression<SqlBool>[] = [];
  if (!who.admin) {
    const rule = subscription.recordId === '*' ? collection.listRule : collection.viewRule;
    // the API rule or any permission of the client's roles lets a record through
    const opened = [rule, ...grantRules].filter((filter) => filter !== null);
    if (opened.length === 0) return false;
    if (!opened.some((filter) => filter.trim() === '')) {
      const compiled = opened.map((filter) => compileFilter(filter, { ...base, allowHiddenFields: true }));
      conditions.push(compiled.length === 1 ? compiled[0] : sql<SqlBool>`(${sql.join(compiled, sql` OR `)})`);
    }
  }
  const filter = optionFilter(base, subscription, who);
  if (filter) conditions.push(filter);
  if (conditions.length === 0) return undefined;
  return conditions.length === 1 ? conditions[0] : sql<SqlBool>`(${sql.join(conditions, sql` AND `)})`;
}

/**
 * Compiles the subscription's `filter` option as this client may write it, so that a filter that
 * does not parse or names a field the client may not read is refused when it subscribes rather
 * than silently matching nothing. Throws the filter compiler's InvalidPayloadError.
 */
export function checkSubscriptionFilter(
  collection: Collection,
  subscription: Subscription,
  who: Accountability,
  dialect: Dialect,
  getCollection: (idOrName: string) => Collection | undefined,
): void {
  optionFilter(filterContext(collection, subscription, who, dialect, getCollection), subscription, who);
}

function filterContext(
  collection: Collection,
  subscription: Subscription,
  who: Accountability,
  dialect: Dialect,
  getCollection: (idOrName: string) => Collection | undefined,
): FilterContext {
  return {
    dialect,
    collection,
    getCollection,
    auth: who.record,
    query: subscription.query,
    headers: subscription.headers,
    method: 'GET',
    body: {},
    tableAlias: ALIAS,
  };
}

function optionFilter(
  base: FilterContext,
  subscription: Subscription,
  who: Accountability,
): Expression<SqlBool> | undefined {
  const filter = subscription.query.filter?.trim();
  if (!filter) return undefined;
  return compileFilter(filter, who.admin ? { ...base, allowHiddenFields: true } : callerFilterContext(base));
}

/**
 * What besides the auth a subscription's check depends on: which rule, the `filter` option, and
 * the other options only if the rule or filter reads them (`@request.query.*`,
 * `@request.headers.*`). Subscriptions that differ in `fields` or `expand` share one check.
 */
export function visibilityKey(collection: Collection, subscription: Subscription): string {
  const listed = subscription.recordId === '*';
  const rule = (listed ? collection.listRule : collection.viewRule) ?? '';
  const filter = subscription.query.filter ?? '';
  const readsOptions = /@request\.(query|headers)/.test(`${rule} ${filter}`);
  return `${listed}\0${readsOptions ? subscription.optionsKey : filter}`;
}

/** Whether the row, as a one-row table, satisfies the condition. */
export async function rowMatches(
  reader: Kysely<any>,
  table: ReturnType<typeof rowTable>,
  condition: Expression<SqlBool>,
): Promise<boolean> {
  const found = await reader.selectFrom(table).select(sql`1`.as('found')).where(condition).executeTakeFirst();
  return found !== undefined;
}
