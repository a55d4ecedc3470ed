import { NotFoundError } from '@sluice/hooks';
import { sql } from 'kysely';
import type { Core } from '../app/core.ts';
import { compileFilter } from '../filter/index.ts';
import type { ListQuery } from '../records/query.ts';
import { timePrefix } from '../writes/system-items.ts';
import { listItems, shapeFilterContext } from '../writes/system-list.ts';
import { LogBuffer } from './buffer.ts';
import { databaseLogs, type LogDatabase, moveLogsOutOfDataFile, openAuxiliaryLogs } from './log-database.ts';
import { LOGS, type LogEntry, logFromRow, logsShape } from './store.ts';

const DAY_MS = 86_400_000;

/** Requests per hour, as PocketBase's `/api/logs/stats` gives them. */
export interface HourlyStats {
  total: number;
  /** The hour's start: `2026-01-31 14:00:00.000Z`. */
  date: string;
}

/**
 * `/api/logs`: the request log, kept in `_logs`: in `auxiliary.db` beside a SQLite data file, in
 * the database itself on PostgreSQL (docs/logs.md).
 */
export class LogsService {
  /** Where answered requests' rows wait to be written. */
  readonly buffer: LogBuffer;
  #database: LogDatabase | undefined;
  #closed = false;

  /** `dir`: the data folder. */
  constructor(
    private readonly core: Core,
    private readonly dir: string,
  ) {
    this.buffer = new LogBuffer(() => (rows) => this.database.insert(rows), core.logger);
  }

  /** Where the logs are kept; on SQLite, `auxiliary.db` is opened on first use. */
  get database(): LogDatabase {
    if (this.#closed) throw new Error('The request logs are closed: the app has stopped.');
    this.#database ??=
      this.core.database.dialect === 'sqlite'
        ? openAuxiliaryLogs(this.dir)
        : databaseLogs(this.core.database);
    return this.#database;
  }

  /** Moves the logs an older SQLite data folder kept in `data.db` to `auxiliary.db` (once). */
  async moveOutOfDataFile(): Promise<void> {
    if (this.core.database.dialect !== 'sqlite') return;
    const moved = await moveLogsOutOfDataFile(this.core.database, this.dir);
    if (moved > 0) this.core.logger.info({ rows: moved }, 'Moved the request logs to auxiliary.db.');
  }

  /** Closes `auxiliary.db`; what the buffer still holds is written first. */
  async close(): Promise<void> {
    await this.buffer.flush();
    this.#closed = true;
    const database = this.#database;
    this.#database = undefined;
    await database?.close();
  }

  list(query: Pick<ListQuery, 'page' | 'perPage' | 'filter' | 'sort'>) {
    return listItems(this.database.db, this.database.dialect, logsShape, query, logFromRow, undefined, '-id');
  }

  async view(id: string): Promise<LogEntry> {
    const row = await this.database.db.selectFrom(LOGS).selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError(`No log has the id "${id}".`);
    return logFromRow(row);
  }

  /** How many rows each hour holds, oldest hour first, `filter` applied. */
  async stats(filter?: string): Promise<HourlyStats[]> {
    const hour = sql<string>`substr(${sql.ref('created')}, 1, 13)`;
    let select = this.database.db.selectFrom(LOGS);
    if (filter)
      select = select.where(compileFilter(filter, shapeFilterContext(logsShape, this.database.dialect)));
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
    const result = await this.database.db
      .deleteFrom(LOGS)
      .where('id', '<', timePrefix(now - maxDays * DAY_MS))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
