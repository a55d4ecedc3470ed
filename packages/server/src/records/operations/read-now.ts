import type { Core } from '../../app/core.ts';
import type { Collection, RecordData } from '../../collections/types.ts';
import { compileFilter, compileSort } from '../../filter/index.ts';
import { decodeRecord } from '../encoding.ts';
import { filterContext } from '../rules.ts';

export interface ReadNowQuery {
  /** Only the records with these ids. */
  ids?: readonly string[];
  /** A filter expression, as `?filter=` takes it (any field, hidden ones too). */
  filter?: string;
  sort?: string;
  limit: number;
  offset?: number;
}

/**
 * Reads records at once, as the system: no rules, no hooks, no expansion; the committed data
 * (see `Database.readNow`), decoded as the API decodes it. For APIs that must answer
 * synchronously, such as PocketBase's `$app.dao()` in hook files.
 */
export function readRecordsNow(app: Core, collection: Collection, query: ReadNowQuery): RecordData[] {
  const { dialect } = app.database;
  const ctx = app.context();
  const filterCtx = { ...filterContext(collection, ctx, dialect), allowHiddenFields: true };
  let select = app.database.reader.selectFrom(collection.name);
  if (query.ids) select = select.where('id', 'in', query.ids.length > 0 ? [...query.ids] : ['']);
  if (query.filter) select = select.where(compileFilter(query.filter, filterCtx));
  let rows = select
    .selectAll()
    .limit(query.limit)
    .offset(query.offset ?? 0);
  for (const term of compileSort(query.sort ?? '', filterCtx)) rows = rows.orderBy(term);
  const compiled = rows.compile();
  return app.database
    .readNow(compiled.sql, compiled.parameters)
    .map((row) => decodeRecord(collection, row, { isAdmin: true }));
}
