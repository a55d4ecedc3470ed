import { NotFoundError } from '@sluice/hooks';
import { sql } from 'kysely';
import type { Core } from '../app/core.ts';
import { compileFilter } from '../filter/index.ts';
import type { ListQuery } from '../records/query.ts';
import { timePrefix } from '../writes/system-items.ts';
import { listItems, shapeFilterContext } from '../writes/system-list.ts';
import { LogBuffer } from './buffer.ts';
import { LOGS, type LogEntry, logFromRow, logsShape } from './store.ts';

const DAY_MS = 86_400_000;

/** Requests per hour, as PocketBase's `/api/logs/stats` gives them. */
export interface HourlyStats {
  total: number;
  /** The hour's start: `2026-01-31 14:00:00.000Z`. */
  date: string;
}

/** `/api/logs`: the request log, kept in `_logs` (docs/logs.md). */
export class LogsService {
  /** Where answered requests' rows wait to be written. */
  readonly buffer: LogBuffer;

  constructor(private readonly core: Core) {
    this.buffer = new LogBuffer(() => core.database.db, core.database.dialect, core.logger);
  }

  list(query: Pick<ListQuery, 'page' | 'perPage' | 'filter' | 'sort'>) {
    return listItems(
      this.core.database.reader,
      this.core.database.dialect,
      logsShape,
      query,
      logFromRow,
      undefined,
      '-id',
    );
  }

  async view(id: string): Promise<LogEntry> {
    const row = await this.core.database.reader
      .selectFrom(LOGS)
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new NotFoundError(`No log has the id "${id}".`);
    return logFromRow(row);
  }

  /** How many rows each hour holds, oldest hour first, `filter` applied. */
  async stats(filter?: string): Promise<HourlyStats[]> {
    const hour = sql<string>`substr(${sql.ref('created')}, 1, 13)`;
    let select = this.core.database.reader.selectFrom(LOGS);
    if (filter)
      select = select.where(compileFilter(filter, shapeFilterContext(logsShape, this.core.database.dialect)));
    const rows = await select
      .select((eb) => [hour.as('hour'), eb.fn.countAll<number | string>().as('total')])
      .groupBy(hour)
      .orderBy(hour)
      .execute();
    return rows.map((row) => ({ total: Number(row.total), date: `${row.hour}:00:00.000Z` }));
  }

  /** Deletes the rows older than `maxDays` days; 0 deletes nothing (logging is off then). */
  async prune(maxDays: number, now = Date.now()): Promise<number> {
    if (!(maxDays > 0)) return 0;
    // sequential ids grow with time: the ids below this prefix were made before the cutoff
    const result = await this.core.database.db
      .deleteFrom(LOGS)
      .where('id', '<', timePrefix(now - maxDays * DAY_MS))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
