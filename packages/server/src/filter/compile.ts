import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { FilterNode } from './ast.ts';
import { compileComparison } from './comparison.ts';
import type { FilterContext } from './context.ts';
import { alwaysTrue, withinDeadline } from './dialect-sql.ts';
import { resolveOperand } from './identifiers.ts';
import { parsedFilter } from './parse-cache.ts';
import { type CompileState, createCompileState } from './values.ts';

export type { FilterContext } from './context.ts';

/**
 * Compiles a PocketBase filter into a condition for `.where(...)`; every value is a bound
 * parameter. An empty filter matches everything. Throws InvalidPayloadError (400) on syntax
 * errors, unknown fields and exceeded limits.
 *
 * `@collection.name.field` joins every record of `name` (LEFT JOIN, so an empty collection reads
 * as NULL): the filter holds when some row satisfies the whole expression, so two conditions on
 * `@collection.members` apply to the same member. `@collection.members:other.field` joins again,
 * independently.
 */
export function compileFilter(expression: string, ctx: FilterContext): Expression<SqlBool> {
  const tree = parsedFilter(expression);
  if (!tree) return alwaysTrue;
  const state = createCompileState(ctx);
  const condition = compileNode(state, tree);
  if (state.collectionJoins.size === 0) return condition;
  const joins = [...state.collectionJoins.values()].map(
    ({ alias, collection }) =>
      sql`LEFT JOIN ${sql.id(collection.name)} AS ${sql.id(alias)} ON ${withinDeadline(ctx.dialect, ctx.joinCondition?.(collection, alias) ?? alwaysTrue)}`,
  );
  const origin = sql.id(state.nextAlias('origin'));
  return sql<SqlBool>`EXISTS (SELECT 1 FROM (SELECT 1) AS ${origin} ${sql.join(joins, sql` `)} WHERE ${condition})`;
}

function compileNode(state: CompileState, node: FilterNode): RawBuilder<SqlBool> {
  if (node.kind === 'comparison') {
    const left = resolveOperand(state, node.left);
    const right = resolveOperand(state, node.right);
    return compileComparison(state, left, node.operator, right);
  }
  const joiner = sql.raw(node.kind === 'and' ? ' AND ' : ' OR ');
  return sql<SqlBool>`(${sql.join(
    node.items.map((item) => compileNode(state, item)),
    joiner,
  )})`;
}
