import type { Core } from '../app/core.ts';
import type { ListQuery } from '../records/query.ts';
import { findItem } from '../writes/system-items.ts';
import { listItems } from '../writes/system-list.ts';
import { type Relation, relationsShape, relationsTable } from './store.ts';

/** `/api/relations`: the collections' relation fields, seen as relations (kept by relations/sync.ts). */
export class RelationsService {
  constructor(private readonly core: Core) {}

  list(query: Pick<ListQuery, 'page' | 'perPage' | 'filter' | 'sort'>) {
    return listItems(
      this.core.database.reader,
      this.core.database.dialect,
      relationsShape,
      query,
      relationsTable.fromRow,
    );
  }

  view(id: string): Promise<Relation> {
    return findItem(this.core.database.reader, relationsTable, id);
  }
}
