import type { Field } from '../collections/types.ts';
import type { SystemItem, SystemTable } from '../writes/system-items.ts';
import { tableShape } from '../writes/system-list.ts';

export const RELATIONS = '_relations';

/** What a relation field says about two collections, as Directus' `relations` context sees it. */
export interface RelationSpec {
  collection: string;
  field: string;
  relatedCollection: string;
  maxSelect: number;
  cascadeDelete: boolean;
}

export interface Relation extends SystemItem, RelationSpec {
  updated: string;
}

export const relationsTable: SystemTable<Relation> = {
  context: 'relations',
  table: RELATIONS,
  fromRow: (row) => ({
    id: String(row.id),
    collection: String(row.collection),
    field: String(row.field),
    relatedCollection: String(row.relatedCollection),
    maxSelect: Number(row.maxSelect),
    cascadeDelete: Number(row.cascadeDelete) === 1,
    created: String(row.created),
    updated: String(row.updated),
  }),
  toRow: (relation) => ({ ...relation, cascadeDelete: relation.cascadeDelete ? 1 : 0 }),
};

export const relationsShape = tableShape(RELATIONS, {
  id: 'text',
  collection: 'text',
  field: 'text',
  relatedCollection: 'text',
  maxSelect: 'number',
  cascadeDelete: 'bool',
  created: 'text',
  updated: 'text',
});

/** The relations a collection's relation fields define; `nameOf` turns a collection id into its name. */
export function relationsOf(
  collection: { name: string; fields: Field[] },
  nameOf: (id: string) => string | undefined,
): RelationSpec[] {
  return collection.fields
    .filter((field) => field.type === 'relation' && field.collectionId)
    .map((field) => ({
      collection: collection.name,
      field: field.name,
      relatedCollection: nameOf(field.collectionId as string) ?? (field.collectionId as string),
      maxSelect: field.maxSelect ?? 1,
      cascadeDelete: field.cascadeDelete === true,
    }));
}
