import { ForbiddenError } from '@sluice/hooks';
import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import type { SchemaCache } from '../collections/store.ts';
import type { Collection, Rule } from '../collections/types.ts';
import type { Accountability, HookContext } from '../context.ts';
import type { Dialect } from '../db/types.ts';
import type { FilterContext } from '../filter/context.ts';
import { compileFilter } from '../filter/index.ts';

export type RuleName = 'listRule' | 'viewRule' | 'createRule' | 'updateRule' | 'deleteRule';

const lookups = new WeakMap<SchemaCache, (idOrName: string) => Collection | undefined>();

/** `schema.get` as a function, made once per schema rather than as a closure per request. */
export function collectionLookup(schema: SchemaCache): (idOrName: string) => Collection | undefined {
  let lookup = lookups.get(schema);
  if (!lookup) {
    lookup = schema.get.bind(schema);
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

export function assertRuleNotLocked(collection: Collection, name: RuleName, ctx: HookContext): void {
  if (ctx.accountability.admin) return;
  if (ruleOf(collection, name) === null) throw new ForbiddenError('Only superusers can perform this action.');
}

/** The SQL condition a rule adds for this caller, or undefined when nothing restricts. */
export function ruleCondition(
  collection: Collection,
  name: RuleName,
  ctx: HookContext,
  dialect: Dialect,
  body?: Record<string, unknown>,
): Expression<SqlBool> | undefined {
  if (ctx.accountability.admin) return undefined;
  const rule = ruleOf(collection, name);
  if (rule === null) throw new ForbiddenError('Only superusers can perform this action.');
  if (rule.trim() === '') return undefined;
  return compileFilter(rule, { ...filterContext(collection, ctx, dialect), body, allowHiddenFields: true });
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
