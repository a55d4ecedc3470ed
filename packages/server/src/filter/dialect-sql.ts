import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import { DEADLINE_FUNCTION } from '../db/deadline.ts';
import type { Dialect } from '../db/types.ts';

/** The SQL types a comparison is carried out in. Bools are stored as 0/1 integers. */
export type SqlType = 'text' | 'number' | 'bool';

export type Fragment = RawBuilder<unknown>;

const postgresTypes: Record<SqlType, string> = { text: 'TEXT', number: 'DOUBLE PRECISION', bool: 'INTEGER' };

export const alwaysTrue: RawBuilder<SqlBool> = sql<SqlBool>`1 = 1`;
export const alwaysFalse: RawBuilder<SqlBool> = sql<SqlBool>`1 = 0`;

/**
 * A bound parameter. PostgreSQL cannot always infer a parameter's type (`$1 = $2`), so it is
 * cast explicitly there.
 */
export function param(dialect: Dialect, value: unknown, type: SqlType): Fragment {
  if (dialect === 'sqlite') return sql`${value}`;
  return sql`CAST(${value} AS ${sql.raw(postgresTypes[type])})`;
}

export function castToText(expression: Fragment): Fragment {
  return sql`CAST(${expression} AS TEXT)`;
}

/** A JSON array stored as text; the empty string counts as an empty array. */
function jsonArrayText(column: Fragment): Fragment {
  return sql`COALESCE(NULLIF(${column}, ''), '[]')`;
}

/**
 * Joins the items of the JSON array in `column` as rows of `alias.value` (text). A LEFT JOIN,
 * so that an empty array still yields one row whose value is NULL: an empty multi-valued field
 * then compares like an empty single-valued one.
 */
export function joinArrayItems(dialect: Dialect, column: Fragment, alias: string): Fragment {
  if (dialect === 'sqlite') {
    return sql`LEFT JOIN json_each(${jsonArrayText(column)}) AS ${sql.id(alias)} ON 1 = 1`;
  }
  return sql`LEFT JOIN LATERAL jsonb_array_elements_text(CAST(${jsonArrayText(column)} AS JSONB)) AS ${sql.id(alias)}(${sql.id('value')}) ON TRUE`;
}

export function arrayLength(dialect: Dialect, column: Fragment): Fragment {
  if (dialect === 'sqlite') return sql`json_array_length(${jsonArrayText(column)})`;
  return sql`jsonb_array_length(CAST(${jsonArrayText(column)} AS JSONB))`;
}

/** Reads `path` (object keys or array indexes) out of a JSON column, as `type`. */
export function jsonPathValue(dialect: Dialect, column: Fragment, path: string[], type: SqlType): Fragment {
  if (dialect === 'sqlite') {
    const jsonPath = '$' + path.map((key) => (/^\d+$/.test(key) ? `[${key}]` : `."${key}"`)).join('');
    const kind = sql`json_type(${column}, ${jsonPath})`;
    const value = sql`json_extract(${column}, ${jsonPath})`;
    if (type === 'number') return sql`CASE WHEN ${kind} IN ('integer', 'real') THEN ${value} END`;
    if (type === 'bool') return sql`CASE ${kind} WHEN 'true' THEN 1 WHEN 'false' THEN 0 END`;
    return sql`CASE ${kind} WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE CAST(${value} AS TEXT) END`;
  }
  const document = sql`CAST(NULLIF(${column}, '') AS JSONB)`;
  const pathParam = sql`CAST(${`{${path.join(',')}}`} AS TEXT[])`;
  const node = sql`(${document} #> ${pathParam})`;
  const text = sql`(${document} #>> ${pathParam})`;
  if (type === 'number') {
    return sql`CASE WHEN jsonb_typeof(${node}) = 'number' THEN CAST(${text} AS DOUBLE PRECISION) END`;
  }
  if (type === 'bool') {
    return sql`CASE WHEN jsonb_typeof(${node}) = 'boolean' THEN CASE WHEN ${text} = 'true' THEN 1 ELSE 0 END END`;
  }
  return text;
}

/** Case-insensitive LIKE with `\` as the escape character, on both dialects. */
export function like(dialect: Dialect, value: Fragment, pattern: Fragment): RawBuilder<SqlBool> {
  const operator = dialect === 'sqlite' ? sql.raw('LIKE') : sql.raw('ILIKE');
  return sql<SqlBool>`${value} ${operator} ${pattern} ESCAPE '\\'`;
}

/** Escapes LIKE's wildcards in a pattern computed in SQL, then wraps it in `%`. */
export function containsPattern(value: Fragment): Fragment {
  return sql`'%' || REPLACE(REPLACE(REPLACE(${value}, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'`;
}

/** Text compared byte-wise on PostgreSQL too, as SQLite does, so that both dialects agree. */
export function binaryCollation(dialect: Dialect, text: Fragment): Fragment {
  return dialect === 'postgres' ? sql`${text} COLLATE "C"` : text;
}

export function randomOrder(): Fragment {
  return sql`RANDOM()`;
}

/**
 * A condition that always holds but, on SQLite, fails the statement once it has run past its
 * deadline (see db/deadline.ts); placed where rows multiply. PostgreSQL has `statement_timeout`.
 */
export function withinDeadline(dialect: Dialect, condition: Expression<SqlBool>): Expression<SqlBool> {
  if (dialect === 'postgres') return condition;
  return sql<SqlBool>`${sql.raw(DEADLINE_FUNCTION)}() AND ${condition}`;
}
