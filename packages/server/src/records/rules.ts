import { ForbiddenError } from '@sluice/hooks';
import { type Expression, expressionBuilder, type Kysely, type SqlBool, sql } from 'kysely';
import { grantsOf } from '../access/grants.ts';
import type { Permission, PermissionAction } from '../access/store.ts';
import type { SchemaCache } from '../collections/store.ts';
import type { Collection, RecordData, Rule } from '../collections/types.ts';
import type { Accountability, HookContext } from '../context.ts';
import type { Dialect } from '../db/types.ts';
import { libraryCollection } from '../files/library/store.ts';
import type { FilterContext } from '../filter/context.ts';
import { compileFilter } from '../filter/index.ts';

export type RuleName = 'listRule' | 'viewRule' | 'createRule' | 'updateRule' | 'deleteRule';

const lookups = new WeakMap<SchemaCache, (idOrName: string) => Collection | undefined>();

/** `schema.get` as a function, made once per schema rather than as a closure per request. */
export function collectionLookup(schema: SchemaCache): (idOrName: string) => Collection | undefined {
  let lookup = lookups.get(schema);
  if (!lookup) {
    // the files library's tables are collections too, for rules and permissions granted on them
    lookup = (idOrName) => schema.get(idOrName) ?? libraryCollection(idOrName);
    lookups.set(schema, lookup);
  }
  return lookup;
}

/**
 * API rules (PocketBase semantics): `null` lets only superusers through, `""` lets everyone,
 * anything else is a filter the record must match for the caller.
 */
export function ruleOf(collection: Collection, name: RuleName): Rule {
  return collection[name];
}

const permissionActions = {
  listRule: 'list',
  viewRule: 'view',
  createRule: 'create',
  updateRule: 'update',
  deleteRule: 'delete',
} as const satisfies Record<RuleName, PermissionAction>;

/** The permissions of the caller's roles (and the public ones) for the action of a rule. */
export function grantsFor(collection: Collection, name: RuleName, ctx: HookContext): readonly Permission[] {
  return grantsOf(ctx.schema).grantsFor(ctx.accountability, collection.name, permissionActions[name]);
}

export function assertRuleNotLocked(collection: Collection, name: RuleName, ctx: HookContext): void {
  if (ctx.accountability.admin) return;
  if (ruleOf(collection, name) === null && grantsFor(collection, name, ctx).length === 0)
    throw new ForbiddenError('Only superusers can perform this action.');
}

/**
 * The SQL condition a rule adds for this caller, or undefined when nothing restricts: the
 * collection's API rule or any permission of the caller's roles lets a record through.
 */
export function ruleCondition(
  collection: Collection,
  name: RuleName,
  ctx: HookContext,
  dialect: Dialect,
  body?: Record<string, unknown>,
): Expression<SqlBool> | undefined {
  if (ctx.accountability.admin) return undefined;
  const rule = ruleOf(collection, name);
  if (rule !== null && rule.trim() === '') return undefined;
  const grants = grantsFor(collection, name, ctx);
  if (rule === null && grants.length === 0)
    throw new ForbiddenError('Only superusers can perform this action.');
  if (grants.some((grant) => grant.rule.trim() === '')) return undefined;
  const context = { ...filterContext(collection, ctx, dialect), body, allowHiddenFields: true };
  const conditions = [rule, ...grants.map((grant) => grant.rule)]
    .filter((filter) => filter !== null)
    .map((filter) => compileFilter(filter, context));
  return conditions.length === 1 ? conditions[0] : expressionBuilder<any, any>().or(conditions);
}

/**
 * The fields the caller may read or write, when only permissions open the action (the API rule
 * is superusers-only) and each of them limits its fields: the union of their `fields`.
 * Undefined when nothing limits.
 */
export function permittedFields(
  collection: Collection,
  name: RuleName,
  ctx: HookContext,
): ReadonlySet<string> | undefined {
  return permittedFieldsOf(collection, name, ctx.accountability, ctx.schema);
}

/** `permittedFields` for a caller outside a request (a realtime subscriber). */
export function permittedFieldsOf(
  collection: Collection,
  name: RuleName,
  who: Accountability,
  schema: SchemaCache,
): ReadonlySet<string> | undefined {
  if (who.admin || ruleOf(collection, name) !== null) return undefined;
  const grants = grantsOf(schema).grantsFor(who, collection.name, permissionActions[name]);
  if (grants.length === 0 || grants.some((grant) => grant.fields === null)) return undefined;
  return new Set(['id', ...grants.flatMap((grant) => grant.fields ?? [])]);
}

/** A decoded record without the fields the caller may not read. */
export function withPermittedFields(record: RecordData, fields: ReadonlySet<string> | undefined): RecordData {
  if (!fields) return record;
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record))
    if (fields.has(key) || key === 'collectionId' || key === 'collectionName' || key === 'expand')
      kept[key] = value;
  return kept as RecordData;
}

/** Refuses a write naming a field the caller may not write. */
export function assertPermittedInput(
  input: Record<string, unknown>,
  fields: ReadonlySet<string> | undefined,
): void {
  if (!fields) return;
  const refused = Object.keys(input).find((key) => !fields.has(key.replace(/[+-]$/, '')));
  if (refused !== undefined) throw new ForbiddenError(`You may not write the field "${refused}".`);
}

/** Whether a row is the caller's own auth record: its owner always sees its email (PocketBase). */
export function isOwnRecord(
  collection: Collection,
  row: Record<string, unknown>,
  who: Accountability,
): boolean {
  return who.user !== null && who.collection === collection.name && row.id === who.user;
}

export function filterContext(collection: Collection, ctx: HookContext, dialect: Dialect): FilterContext {
  const request = ctx.request;
  return {
    dialect,
    collection,
    getCollection: collectionLookup(ctx.schema),
    auth: ctx.accountability.record,
    query: (request?.query as Record<string, unknown> | undefined) ?? {},
    headers: request ? headersForRules(request.headers) : {},
    method: request?.method ?? 'GET',
    body: (request?.body as Record<string, unknown> | undefined) ?? {},
  };
}

function headersForRules(headers: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers))
    result[name.toLowerCase().replaceAll('-', '_')] = value;
  return result;
}

/** Whether the record with `id` matches `condition` (read inside the caller's transaction). */
export async function recordMatches(
  executor: Kysely<any>,
  collection: Collection,
  id: string,
  condition: Expression<SqlBool>,
): Promise<boolean> {
  const row = await executor
    .selectFrom(collection.name)
    .select(sql`1`.as('found'))
    .where('id', '=', id)
    .where(condition)
    .executeTakeFirst();
  return row !== undefined;
}

/** A create opened by permissions only starts from their `presets`; the input wins. */
export function withPresets(
  collection: Collection,
  input: Record<string, unknown>,
  ctx: HookContext,
): Record<string, unknown> {
  if (ctx.accountability.admin || ruleOf(collection, 'createRule') !== null) return input;
  const presets = grantsFor(collection, 'createRule', ctx).map((grant) => grant.presets);
  return presets.length === 0 ? input : Object.assign({}, ...presets, input);
}
