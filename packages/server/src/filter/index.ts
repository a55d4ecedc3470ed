export type { ComparisonOperator, FilterNode } from './ast.ts';
export { callerFilterContext } from './caller.ts';
export { compileFilter } from './compile.ts';
export type { FilterContext, SortContext } from './context.ts';
export { filterErrorReason, invalidParameter, type QueryParameter } from './errors.ts';
export { type FieldSelection, parseFieldsParam, pickFields } from './fields.ts';
export * from './limits.ts';
export { parseFilter } from './parser.ts';
export { compileSort } from './sort.ts';
