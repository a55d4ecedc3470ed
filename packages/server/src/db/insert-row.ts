import { CompiledQuery, type Kysely, PostgresAdapter } from 'kysely';
import { executeCompiled } from './compiled.ts';

/** The INSERT of each table, dialect and set of columns, compiled once: building it is most of the cost. */
const insertSql = new Map<string, string>();

/**
 * Inserts a row of plain values. Logs and outbox rows are written with every write, so their
 * SQL is compiled once and reused rather than built anew each time.
 */
export async function insertRow(
  executor: Kysely<any>,
  table: string,
  row: Record<string, unknown>,
): Promise<void> {
  const columns = Object.keys(row);
  const dialect = executor.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
  const key = `${dialect}\0${table}\0${columns.join('\0')}`;
  let text = insertSql.get(key);
  if (text === undefined) {
    text = executor.insertInto(table).values(row).compile().sql;
    insertSql.set(key, text);
  }
  await executeCompiled(
    executor,
    CompiledQuery.raw(
      text,
      columns.map((column) => row[column]),
    ),
  );
}
