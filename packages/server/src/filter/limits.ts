/** Bounds that keep a hostile filter from costing more than a legitimate one. */
export const MAX_EXPRESSION_LENGTH = 4000;
/** How deeply parentheses may nest. */
export const MAX_NESTING_DEPTH = 10;
/** How many relations a path such as `author.team.owner.name` may cross. */
export const MAX_RELATION_DEPTH = 3;
/** How many comparisons one expression may hold. */
export const MAX_COMPARISONS = 200;
/** How many entries a `sort` parameter may list. */
export const MAX_SORT_FIELDS = 20;
