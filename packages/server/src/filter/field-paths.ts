import { sql } from 'kysely';
import type { Collection, Field } from '../collections/types.ts';
import { arrayLength, type Fragment, joinArrayItems, jsonPathValue, type SqlType } from './dialect-sql.ts';
import { MAX_RELATION_DEPTH } from './limits.ts';
import type { CompileState, DeclaredType, ScalarValue, SetValue } from './values.ts';

/** Where a path starts: a collection and how to read one of its fields (a column, or a known value). */
export interface PathStart {
  collection: Collection;
  read(field: Field): Fragment;
  /** Whether `read` may yield NULL (a LEFT JOINed collection). */
  nullable: boolean;
}

export interface PathOptions {
  /** The identifier as written, for error messages. */
  identifier: string;
  position: number;
  /** `:length` on the last segment. */
  length?: boolean;
}

const idField: Field = { id: 'id', name: 'id', type: 'text', system: true, primaryKey: true };

export function isMultiValued(field: Field): boolean {
  return (
    (field.type === 'select' || field.type === 'relation' || field.type === 'file') &&
    (field.maxSelect ?? 1) > 1
  );
}

export function declaredType(field: Field): DeclaredType {
  if (field.type === 'number') return 'number';
  if (field.type === 'bool') return 'bool';
  if (field.type === 'json') return 'json';
  return 'text';
}

export function findField(
  state: Pick<CompileState, 'ctx' | 'fail'>,
  collection: Collection,
  name: string,
  options: PathOptions,
): Field {
  const field = collection.fields.find((candidate) => candidate.name === name);
  if (
    field &&
    (!field.hidden || state.ctx.allowHiddenFields) &&
    (state.ctx.canRead?.(collection, field) ?? true)
  ) {
    return field;
  }
  if (!field && name === 'id') return idField;
  throw state.fail(`unknown field ${JSON.stringify(options.identifier)} at position ${options.position}`);
}

/**
 * Resolves `field`, `relation.field` (through up to MAX_RELATION_DEPTH relations) or
 * `json.key.path`. Relations are followed with LEFT JOINs inside a correlated subquery, so a
 * missing related record reads as NULL; once a multi-valued field is crossed, the path yields a set.
 */
export function resolvePath(
  state: CompileState,
  start: PathStart,
  segments: string[],
  options: PathOptions,
): ScalarValue | SetValue {
  const { dialect } = state.ctx;
  const joins: Fragment[] = [];
  let collection = start.collection;
  let read = start.read;
  let multi = false;
  let relations = 0;
  let type: DeclaredType = 'text';
  let element: (as: SqlType) => Fragment = () => sql`NULL`;
  let idsOf: string | undefined;

  for (let index = 0; index < segments.length; index++) {
    const field = findField(state, collection, segments[index], options);
    const column = read(field);
    const isLast = index === segments.length - 1;

    if ((field.type === 'json' || field.type === 'geoPoint') && !isLast) {
      const path = segments.slice(index + 1);
      type = 'dynamic';
      element = (as) => jsonPathValue(dialect, column, path, as);
      break;
    }
    if (isLast) {
      if (!options.length)
        idsOf = field.type === 'relation' ? field.collectionId : field.primaryKey ? collection.id : undefined;
      if (options.length) {
        if (!isMultiValued(field)) {
          throw state.fail(
            `":length" needs a multi-valued field in ${JSON.stringify(options.identifier)} at position ${options.position}`,
          );
        }
        type = 'number';
        element = () => arrayLength(dialect, column);
      } else if (isMultiValued(field)) {
        state.spend('joins', 1);
        const alias = state.nextAlias('item');
        joins.push(joinArrayItems(dialect, column, alias));
        multi = true;
        type = 'text';
        element = () => sql.id(alias, 'value');
      } else {
        type = declaredType(field);
        element = () => column;
      }
      break;
    }

    if (field.type !== 'relation') {
      throw state.fail(
        `${JSON.stringify(field.name)} is not a relation in ${JSON.stringify(options.identifier)} at position ${options.position}`,
      );
    }
    if (++relations > MAX_RELATION_DEPTH) {
      throw state.fail(
        `${JSON.stringify(options.identifier)} crosses more than ${MAX_RELATION_DEPTH} relations at position ${options.position}`,
      );
    }
    const target = field.collectionId ? state.ctx.getCollection(field.collectionId) : undefined;
    if (!target) {
      throw state.fail(
        `the relation ${JSON.stringify(field.name)} has no target collection at position ${options.position}`,
      );
    }
    const alias = state.nextAlias('rel');
    let targetId = column;
    state.spend('joins', isMultiValued(field) ? 2 : 1);
    if (isMultiValued(field)) {
      const itemAlias = state.nextAlias('item');
      joins.push(joinArrayItems(dialect, column, itemAlias));
      targetId = sql.id(itemAlias, 'value');
      multi = true;
    }
    const visible = state.ctx.joinCondition?.(target, alias);
    const on = sql`${sql.id(alias, 'id')} = ${targetId}`;
    joins.push(
      sql`LEFT JOIN ${sql.id(target.name)} AS ${sql.id(alias)} ON ${visible ? sql`${on} AND ${visible}` : on}`,
    );
    collection = target;
    read = (next) => sql.id(alias, next.name);
  }

  const nullable = start.nullable || type === 'json' || type === 'dynamic';
  if (joins.length === 0) return { kind: 'scalar', type, nullable, render: element, idsOf };
  const origin = sql.id(state.nextAlias('origin'));
  const from = sql`(SELECT 1) AS ${origin} ${sql.join(joins, sql` `)}`;
  if (multi) {
    return {
      kind: 'set',
      type,
      each: false,
      idsOf,
      render: (as) => sql`SELECT ${element(as)} AS "v" FROM ${from}`,
    };
  }
  return {
    kind: 'scalar',
    type,
    nullable: true,
    idsOf,
    render: (as) => sql`(SELECT ${element(as)} FROM ${from})`,
  };
}
