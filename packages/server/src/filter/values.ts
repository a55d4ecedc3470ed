import type { Collection } from '../collections/types.ts';
import type { FilterContext } from './context.ts';
import type { Fragment, SqlType } from './dialect-sql.ts';
import { type InvalidParameterError, invalidFilter } from './errors.ts';
import { MAX_EXPANDED_COMPARISONS, MAX_JOINS } from './limits.ts';

/**
 * What an operand of a comparison resolves to. `render` is lazy because the SQL depends on the
 * type the comparison is carried out in (a JSON value is read as a number or as text).
 */
export type DeclaredType = SqlType | 'json' | 'dynamic';

/** One value per record: a column, a JSON path, a field of a single related record. */
export interface ScalarValue {
  kind: 'scalar';
  type: DeclaredType;
  /** False for the filtered table's own non-JSON columns, which are stored NOT NULL. */
  nullable: boolean;
  render(as: SqlType): Fragment;
  /** The collection whose record ids this value holds: a relation's target, or the collection of `id`. */
  idsOf?: string;
}

/** Several values per record: JSON-array items, or fields of the records of a multiple relation. */
export interface SetValue {
  kind: 'set';
  type: DeclaredType;
  /** Set by `:each`: every item must satisfy the comparison. */
  each: boolean;
  /** A query yielding the items as a column named `v`. */
  render(as: SqlType): Fragment;
  idsOf?: string;
}

/** Known while compiling: a literal, a macro, request data. Arrays compare item by item. */
export interface ConstantValue {
  kind: 'constant';
  value: unknown;
  each?: boolean;
  /** Set on `@request.auth.id`: the collection the caller's id belongs to. */
  authOf?: string;
}

export type Value = ScalarValue | SetValue | ConstantValue;

/** State shared by one compilation: alias numbering and the `@collection` joins. */
export interface CompileState {
  ctx: FilterContext;
  nextAlias(prefix: string): string;
  /** Keyed by the collection's name, or by the alias given as `@collection.name:alias`. */
  collectionJoins: Map<string, { alias: string; collection: Collection }>;
  /** Builds the error to throw, worded for the parameter being compiled. */
  fail(reason: string): InvalidParameterError;
  /**
   * Counts what the SQL being built will cost, before it is built: past MAX_EXPANDED_COMPARISONS
   * comparisons or MAX_JOINS joins the compilation fails.
   */
  spend(resource: 'comparisons' | 'joins', amount: number): void;
}

export function createCompileState(
  ctx: FilterContext,
  fail: (reason: string) => InvalidParameterError = invalidFilter,
): CompileState {
  let counter = 0;
  const spent = { comparisons: 0, joins: 0 };
  const limits = { comparisons: MAX_EXPANDED_COMPARISONS, joins: MAX_JOINS };
  const aliasPrefix = ctx.aliasPrefix ?? '';
  return {
    ctx,
    fail,
    nextAlias: (prefix) => `__${aliasPrefix}${prefix}${++counter}`,
    collectionJoins: new Map(),
    spend(resource, amount) {
      spent[resource] += amount;
      if (spent[resource] > limits[resource]) {
        throw fail(
          resource === 'joins'
            ? `the expression joins more than ${MAX_JOINS} tables`
            : `the expression stands for more than ${MAX_EXPANDED_COMPARISONS} comparisons once its multi-valued operands are expanded`,
        );
      }
    },
  };
}
