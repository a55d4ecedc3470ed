import type { FilterNode } from './ast.ts';
import { parseFilter } from './parser.ts';

/** Enough for every rule of a large schema and the filters its clients repeat. */
const CACHED_EXPRESSIONS = 512;

const trees = new Map<string, FilterNode | null>();

/**
 * `parseFilter`, once per expression: API rules are parsed on every request they guard, and the
 * same few filters come back again and again. The trees are frozen, so that no compilation can
 * change what the next one is given. An expression that does not parse is not kept.
 */
export function parsedFilter(source: string): FilterNode | null {
  const cached = trees.get(source);
  if (cached !== undefined) return cached;
  const tree = parseFilter(source);
  if (trees.size >= CACHED_EXPRESSIONS) trees.delete(trees.keys().next().value as string);
  trees.set(source, tree && deepFreeze(tree));
  return tree;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
