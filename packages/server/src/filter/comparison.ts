import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { ComparisonOperator } from './ast.ts';
import {
  alwaysFalse,
  alwaysTrue,
  binaryCollation,
  castToText,
  containsPattern,
  type Fragment,
  like,
  param,
  type SqlType,
  withinDeadline,
} from './dialect-sql.ts';
import { MAX_VALUE_ITEMS } from './limits.ts';
import type { CompileState, ConstantValue, ScalarValue, Value } from './values.ts';

type BaseOperator = '=' | '!=' | '>' | '>=' | '<' | '<=' | '~' | '!~';
type Single = ScalarValue | ConstantValue;

/**
 * Compiles `left operator right`.
 *
 * Multi-valued operands (JSON-array fields, paths through multiple relations, arrays in request
 * data) compare item by item:
 * - `?op` holds when at least one item satisfies `op`;
 * - a plain `=`, `>`, `>=`, `<`, `<=`, `~` does too (so `tags = 'a'` reads "has tag a");
 * - a plain `!=` / `!~` holds when no item is equal / alike (so `tags != 'a'` reads "lacks tag a");
 * - with `:each`, every item must satisfy `op`.
 * An empty array counts as a single empty item, so it is `= ''` and `= null`.
 */
export function compileComparison(
  state: CompileState,
  left: Value,
  operator: ComparisonOperator,
  right: Value,
): RawBuilder<SqlBool> {
  left = asIdOf(left, right);
  right = asIdOf(right, left);
  const anyOf = operator.startsWith('?');
  const base = (anyOf ? operator.slice(1) : operator) as BaseOperator;
  if (!isMany(left) && !isMany(right)) {
    state.spend('comparisons', 1);
    return compareSingles(state, left as Single, base, right as Single);
  }
  if (isEach(left) || isEach(right)) return quantify(state, left, base, right, 'all');
  if (!anyOf && (base === '!=' || base === '!~')) {
    return not(quantify(state, left, base === '!=' ? '=' : '~', right, 'any'));
  }
  return quantify(state, left, base, right, 'any');
}

/**
 * A record id is only unique within its collection: a caller signed in to one auth collection
 * must not pass `owner = @request.auth.id` because a record of another collection has their id.
 * Against a value holding ids of another collection, the caller's id becomes one no record has.
 */
function asIdOf(value: Value, other: Value): Value {
  if (value.kind !== 'constant' || value.authOf === undefined || other.kind === 'constant') return value;
  if (other.idsOf === undefined || other.idsOf === value.authOf) return value;
  return { kind: 'constant', value: `${value.authOf}:${String(value.value)}` };
}

function isMany(value: Value): boolean {
  return value.kind === 'set' || (value.kind === 'constant' && Array.isArray(value.value));
}

function isEach(value: Value): boolean {
  return (value.kind === 'set' || value.kind === 'constant') && value.each === true;
}

function quantify(
  state: CompileState,
  left: Value,
  operator: BaseOperator,
  right: Value,
  mode: 'any' | 'all',
): RawBuilder<SqlBool> {
  const sources: Fragment[] = [];
  const leftItems = itemsOf(state, left, right, sources);
  const rightItems = itemsOf(state, right, left, sources);
  state.spend('comparisons', leftItems.length * rightItems.length);
  const pairs = leftItems.flatMap((l) => rightItems.map((r) => compareSingles(state, l, operator, r)));
  const condition = mode === 'any' ? combine(pairs, 'OR') : combine(pairs, 'AND');
  if (sources.length === 0) return condition;
  const from = sql.join(sources, sql` CROSS JOIN `);
  const bounded = withinDeadline(state.ctx.dialect, condition);
  if (mode === 'any') return sql<SqlBool>`EXISTS (SELECT 1 FROM ${from} WHERE ${bounded})`;
  return sql<SqlBool>`NOT EXISTS (SELECT 1 FROM ${from} WHERE ${withinDeadline(state.ctx.dialect, sql<SqlBool>`NOT COALESCE(${condition}, FALSE)`)})`;
}

/** The single values a many-valued operand stands for; a set becomes one row source. */
function itemsOf(state: CompileState, value: Value, other: Value, sources: Fragment[]): Single[] {
  if (value.kind === 'constant') {
    if (!Array.isArray(value.value)) return [value];
    if (value.value.length > MAX_VALUE_ITEMS)
      throw state.fail(`an operand holds more than ${MAX_VALUE_ITEMS} values`);
    const items: unknown[] = value.value.length > 0 ? value.value : [null];
    return items.map((item) => ({ kind: 'constant', value: item }));
  }
  if (value.kind === 'scalar') return [value];
  const type = sqlTypeOf(value.type) ?? hintFrom(other);
  state.spend('joins', 1);
  const alias = state.nextAlias('set');
  sources.push(sql`(${value.render(type)}) AS ${sql.id(alias)}`);
  return [{ kind: 'scalar', type, nullable: true, render: () => sql.id(alias, 'v') }];
}

function hintFrom(value: Value): SqlType {
  if (value.kind === 'constant') {
    const first = Array.isArray(value.value) ? value.value[0] : value.value;
    return preferredType(first);
  }
  return sqlTypeOf(value.type) ?? 'text';
}

function compareSingles(
  state: CompileState,
  left: Single,
  operator: BaseOperator,
  right: Single,
): RawBuilder<SqlBool> {
  const { dialect } = state.ctx;
  if (operator === '=' || operator === '!=') {
    const leftNull = isNullConstant(left);
    const rightNull = isNullConstant(right);
    if (leftNull || rightNull) {
      const empty = leftNull && rightNull ? alwaysTrue : isEmpty(leftNull ? right : left);
      return operator === '=' ? empty : not(empty);
    }
  }
  const l = nullAsEmpty(left);
  const r = nullAsEmpty(right);

  if (operator === '~' || operator === '!~') {
    const matches = like(dialect, textOf(state, l), patternOf(state, r));
    return operator === '~' ? matches : not(matches);
  }

  const type = comparisonType(l, r);
  let a = renderAs(state, l, type);
  let b = renderAs(state, r, type);
  if (type === 'text') {
    a = coalesceText(l, a);
    b = coalesceText(r, b);
    if (operator !== '=' && operator !== '!=') a = binaryCollation(dialect, a);
  }
  if (operator === '!=') {
    return type === 'text' ? sql<SqlBool>`${a} <> ${b}` : sql<SqlBool>`${a} IS DISTINCT FROM ${b}`;
  }
  return sql<SqlBool>`${a} ${sql.raw(operator)} ${b}`;
}

function isNullConstant(value: Single): boolean {
  return value.kind === 'constant' && value.value == null;
}

function nullAsEmpty(value: Single): Single {
  return isNullConstant(value) ? { kind: 'constant', value: '' } : value;
}

/** PocketBase's notion of "no value": NULL or '' for text, NULL or JSON null for JSON, NULL otherwise. */
function isEmpty(value: Single): RawBuilder<SqlBool> {
  if (value.kind === 'constant') {
    const v = value.value;
    return v === '' || (Array.isArray(v) && v.length === 0) ? alwaysTrue : alwaysFalse;
  }
  if (value.type === 'number' || value.type === 'bool')
    return sql<SqlBool>`${value.render(value.type)} IS NULL`;
  const text = value.render('text');
  if (value.type === 'json') return sql<SqlBool>`(${text} IS NULL OR ${text} IN ('', 'null'))`;
  return sql<SqlBool>`${coalesceText(value, text)} = ''`;
}

function textOf(state: CompileState, value: Single): Fragment {
  return coalesceText(value, renderAs(state, value, 'text'));
}

/** `~` adds the surrounding `%` itself unless the pattern already holds one. */
function patternOf(state: CompileState, value: Single): Fragment {
  if (value.kind === 'scalar') return containsPattern(textOf(state, value));
  const text = toText(value.value);
  const pattern = text.includes('%') ? text : `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
  return param(state.ctx.dialect, pattern, 'text');
}

function coalesceText(value: Single, text: Fragment): Fragment {
  return value.kind === 'scalar' && value.nullable ? sql`COALESCE(${text}, '')` : text;
}

function sqlTypeOf(type: ScalarValue['type']): SqlType | undefined {
  if (type === 'json') return 'text';
  if (type === 'dynamic') return undefined;
  return type;
}

function preferredType(value: unknown): SqlType {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'bool';
  return 'text';
}

const numeric = /^\s*-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/;

function coercible(value: unknown, type: SqlType): boolean {
  switch (type) {
    case 'text':
      return true;
    case 'number':
      return (
        (typeof value === 'number' && Number.isFinite(value)) ||
        typeof value === 'boolean' ||
        (typeof value === 'string' && numeric.test(value))
      );
    case 'bool':
      return (
        typeof value === 'boolean' ||
        value === 0 ||
        value === 1 ||
        ['true', 'false', '1', '0'].includes(String(value))
      );
  }
}

function coerce(value: unknown, type: SqlType): unknown {
  switch (type) {
    case 'text':
      return toText(value);
    case 'number':
      return Number(value);
    case 'bool':
      return value === true || value === 1 || value === 'true' || value === '1' ? 1 : 0;
  }
}

function toText(value: unknown): string {
  if (value == null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The type both sides are compared in: a column's own type when the other side fits it. */
function comparisonType(left: Single, right: Single): SqlType {
  if (left.kind === 'scalar' && right.kind === 'scalar') {
    const l = sqlTypeOf(left.type);
    const r = sqlTypeOf(right.type);
    if (!l || !r) return l ?? r ?? 'text';
    if (l === r) return l;
    return l !== 'text' && r !== 'text' ? 'number' : 'text';
  }
  if (left.kind === 'constant' && right.kind === 'constant') {
    const l = preferredType(left.value);
    return coercible(right.value, l) ? l : 'text';
  }
  const [scalar, constant] = (left.kind === 'scalar' ? [left, right] : [right, left]) as [
    ScalarValue,
    ConstantValue,
  ];
  const type = sqlTypeOf(scalar.type) ?? preferredType(constant.value);
  return coercible(constant.value, type) ? type : 'text';
}

function renderAs(state: CompileState, value: Single, type: SqlType): Fragment {
  if (value.kind === 'constant') return param(state.ctx.dialect, coerce(value.value, type), type);
  const own = sqlTypeOf(value.type);
  if (own === undefined) return value.render(type);
  // number and bool are both numeric in storage, so only a switch to text needs a cast.
  if (type === 'text' && own !== 'text') return castToText(value.render(own));
  return value.render(own);
}

function combine(conditions: RawBuilder<SqlBool>[], joiner: 'AND' | 'OR'): RawBuilder<SqlBool> {
  if (conditions.length === 1) return conditions[0];
  return sql<SqlBool>`(${sql.join(conditions, sql.raw(` ${joiner} `))})`;
}

export function not(condition: RawBuilder<SqlBool>): RawBuilder<SqlBool> {
  return sql<SqlBool>`NOT (${condition})`;
}
