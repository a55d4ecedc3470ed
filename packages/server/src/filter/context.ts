import type { Expression, SqlBool } from 'kysely';
import type { Collection, Field } from '../collections/types.ts';
import type { Dialect } from '../db/types.ts';

export interface FilterContext {
  dialect: Dialect;
  /** The collection whose records are filtered. */
  collection: Collection;
  /** Looks a collection up by id or by name; relations and `@collection` go through it. */
  getCollection(idOrName: string): Collection | undefined;
  /** The authenticated record, including `collectionId` and `collectionName`; `null` for guests. */
  auth: Record<string, unknown> | null;
  body?: Record<string, unknown>;
  query?: Record<string, unknown>;
  /** Header names lower-cased with `-` as `_`, as `@request.headers.x_token` spells them. */
  headers?: Record<string, unknown>;
  method?: string;
  /** The instant `@now` and the other date macros derive from; defaults to the current time. */
  now?: Date;
  /** How the filtered table is referenced in the query; defaults to the collection's name. */
  tableAlias?: string;
  /** Hidden fields may only be referenced when this is set (API rules, superusers). */
  allowHiddenFields?: boolean;
  /**
   * Whether a field, of the filtered collection or one reached through a relation or
   * `@collection`, may be referenced; unreadable fields are reported as unknown. Client filters
   * of non-superusers use it so that a filter cannot probe data the caller may not list.
   */
  canRead?: (collection: Collection, field: Field) => boolean;
  /**
   * The condition a row of a collection reached by the filter (`@collection`, a relation) must
   * meet, with that collection referenced as `alias`: a client filter of a non-superuser sees
   * only the rows that collection's list rule shows the caller.
   */
  joinCondition?: (collection: Collection, alias: string) => Expression<SqlBool> | undefined;
  /** Set when this filter is compiled inside another one's join, so that their aliases differ. */
  aliasPrefix?: string;
}

/** What sorting needs: no request data, since a sort only names fields. */
export type SortContext = Pick<
  FilterContext,
  | 'dialect'
  | 'collection'
  | 'getCollection'
  | 'tableAlias'
  | 'allowHiddenFields'
  | 'canRead'
  | 'joinCondition'
  | 'aliasPrefix'
>;
