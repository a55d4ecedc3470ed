import type { SystemItem, SystemTable } from '../writes/system-items.ts';
import { tableShape } from '../writes/system-list.ts';

export const PRESETS = '_presets';

/** A saved list query of a collection: a user's own, a role's, or everyone's (both null). */
export interface Preset extends SystemItem {
  user: string | null;
  userCollection: string | null;
  role: string | null;
  collection: string;
  name: string;
  filter: string;
  sort: string;
  fields: string;
  perPage: number;
  updated: string;
}

const nullable = (value: unknown) => (value === null ? null : String(value));

export const presetsTable: SystemTable<Preset> = {
  context: 'presets',
  table: PRESETS,
  fromRow: (row) => ({
    id: String(row.id),
    user: nullable(row.user),
    userCollection: nullable(row.userCollection),
    role: nullable(row.role),
    collection: String(row.collection),
    name: String(row.name),
    filter: String(row.filter),
    sort: String(row.sort),
    fields: String(row.fields),
    perPage: Number(row.perPage),
    created: String(row.created),
    updated: String(row.updated),
  }),
  toRow: (preset) => ({ ...preset }),
  tags: (preset) => (preset.collection ? [preset.collection] : []),
};

export const presetsShape = tableShape(PRESETS, {
  id: 'text',
  user: 'text',
  role: 'text',
  collection: 'text',
  name: 'text',
  created: 'text',
  updated: 'text',
});
