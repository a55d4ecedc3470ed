import type { CompiledQuery, DatabaseConnection, Kysely, QueryResult } from 'kysely';

/** The connection of each open transaction, found at its first statement run here. */
const connections = new WeakMap<Kysely<any>, Promise<DatabaseConnection>>();

/**
 * Runs a compiled statement. In a transaction it goes straight to the transaction's connection:
 * Kysely's executor would queue it behind the transaction's previous statement and pass it
 * through a dozen promises, as much work as SQLite's own for an insert. The rows are those
 * Kysely returns: it would transform them only through plugins, and an executor with plugins
 * takes Kysely's way.
 */
export async function executeCompiled<R>(
  executor: Kysely<any>,
  query: CompiledQuery,
): Promise<QueryResult<R>> {
  const queries = executor.getExecutor();
  if (!executor.isTransaction || queries.plugins.length > 0) return executor.executeQuery<R>(query);
  let connection = connections.get(executor);
  if (!connection) {
    connection = queries.provideConnection(async (found) => found);
    connections.set(executor, connection);
  }
  return (await connection).executeQuery<R>(query);
}
