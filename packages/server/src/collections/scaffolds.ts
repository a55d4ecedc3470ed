import { normalizeCollection } from './schema.ts';
import type { Collection, CollectionType } from './types.ts';

const SCAFFOLD_NAME = 'scaffold';

/**
 * What `GET /api/collections/meta/scaffolds` answers, as PocketBase does: a new collection of each
 * type with its system fields, options and indexes, without id, name or dates. Sluice has no
 * view collections, so there is no `view` scaffold.
 */
export function collectionScaffolds(): Record<CollectionType, Collection> {
  const scaffold = (type: CollectionType): Collection => {
    const collection = normalizeCollection({ name: SCAFFOLD_NAME, type });
    const unnamed = JSON.parse(JSON.stringify(collection).replaceAll(SCAFFOLD_NAME, '')) as Collection;
    return { ...unnamed, id: '', created: '', updated: '' };
  };
  return { base: scaffold('base'), auth: scaffold('auth') };
}
