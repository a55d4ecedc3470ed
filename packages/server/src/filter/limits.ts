/** Bounds that keep a hostile filter from costing more than a legitimate one. */
export const MAX_EXPRESSION_LENGTH = 4000;
/** How deeply parentheses may nest. */
export const MAX_NESTING_DEPTH = 10;
/** How many relations a path such as `author.team.owner.name` may cross. */
export const MAX_RELATION_DEPTH = 3;
/** How many comparisons one expression may hold, as written. */
export const MAX_COMPARISONS = 200;
/**
 * How many comparisons one expression may stand for once multi-valued operands are expanded:
 * `a ?= b` with arrays of 10 and 20 request values is 200 comparisons.
 */
export const MAX_EXPANDED_COMPARISONS = 1000;
/** How many items an array of request data (`@request.query.tag` given ten times) may hold. */
export const MAX_VALUE_ITEMS = 100;
/** How many tables one expression may join: `@collection` aliases, relations crossed, array fields. */
export const MAX_JOINS = 8;
/** How many entries a `sort` parameter may list. */
export const MAX_SORT_FIELDS = 20;
