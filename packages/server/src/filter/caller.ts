import { isRolesField } from '../collections/fields.ts';
import type { Collection, Field } from '../collections/types.ts';
import { compileFilter } from './compile.ts';
import type { FilterContext } from './context.ts';
import { alwaysFalse } from './dialect-sql.ts';

/**
 * The context of a non-superuser's own `filter` or `sort` (list requests, realtime options), as
 * PocketBase limits it: fields of the filtered collection and of collections the caller may
 * list, never an auth collection's `email` nor its `roles`; and every row the filter reaches through
 * `@collection` or a relation must pass that collection's list rule for the caller, so that a
 * filter cannot probe rows the caller could not list.
 */
export function callerFilterContext(base: FilterContext): FilterContext {
  const filtered = base.collection;
  return {
    ...base,
    allowHiddenFields: false,
    canRead: (collection: Collection, field: Field): boolean => {
      if (collection.type === 'auth' && (field.name === 'email' || isRolesField(field))) return false;
      return collection.id === filtered.id || collection.listRule !== null;
    },
    joinCondition: (collection, alias) => {
      const rule = collection.listRule;
      if (rule === null) return alwaysFalse;
      if (rule.trim() === '') return undefined;
      return compileFilter(rule, {
        ...base,
        collection,
        tableAlias: alias,
        aliasPrefix: `${alias}_`,
        allowHiddenFields: true,
        canRead: undefined,
        joinCondition: undefined,
      });
    },
  };
}
