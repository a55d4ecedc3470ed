import { type RawBuilder, sql } from 'kysely';
import type { SortContext } from './context.ts';
import { binaryCollation, randomOrder } from './dialect-sql.ts';
import { invalidParameter } from './errors.ts';
import { resolvePath } from './field-paths.ts';
import { MAX_EXPRESSION_LENGTH, MAX_SORT_FIELDS } from './limits.ts';
import { createCompileState } from './values.ts';

const fieldPath = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_0-9][A-Za-z0-9_]*)*$/;

/**
 * Compiles a `sort` parameter such as `-created,name,@random` into ORDER BY terms, in order,
 * each carrying its direction: `query.orderBy(term)`. Fields may follow single relations
 * (`author.name`) and JSON paths; text sorts byte-wise on both dialects.
 */
export function compileSort(expression: string, ctx: SortContext): RawBuilder<unknown>[] {
  const fail = (reason: string) => invalidParameter('sort', reason);
  if (expression.length > MAX_EXPRESSION_LENGTH) {
    throw fail(`the expression is longer than ${MAX_EXPRESSION_LENGTH} characters`);
  }
  const state = createCompileState({ ...ctx, auth: null }, fail);
  const table = ctx.tableAlias ?? ctx.collection.name;
  const terms: RawBuilder<unknown>[] = [];
  let position = 0;
  for (const raw of expression.split(',')) {
    const itemPosition = position + (raw.length - raw.trimStart().length);
    position += raw.length + 1;
    const item = raw.trim();
    if (item === '') continue;
    if (terms.length >= MAX_SORT_FIELDS) throw fail(`more than ${MAX_SORT_FIELDS} sort fields`);
    const descending = item.startsWith('-');
    const name = item.startsWith('-') || item.startsWith('+') ? item.slice(1) : item;
    // SQLite's default placement of NULLs, spelled out so that PostgreSQL agrees.
    const direction = sql.raw(descending ? 'DESC NULLS LAST' : 'ASC NULLS FIRST');
    if (name === '@random') {
      terms.push(randomOrder());
      continue;
    }
    if (!fieldPath.test(name)) {
      throw fail(`unknown field ${JSON.stringify(name)} at position ${itemPosition}`);
    }
    const value = resolvePath(
      state,
      { collection: ctx.collection, read: (field) => sql.id(table, field.name), nullable: false },
      name.split('.'),
      { identifier: name, position: itemPosition },
    );
    if (value.kind === 'set') {
      throw fail(`cannot sort by the multi-valued ${JSON.stringify(name)} at position ${itemPosition}`);
    }
    const type = value.type === 'number' || value.type === 'bool' ? value.type : 'text';
    const expression =
      type === 'text' ? binaryCollation(ctx.dialect, value.render('text')) : value.render(type);
    terms.push(sql`${expression} ${direction}`);
  }
  return terms;
}
