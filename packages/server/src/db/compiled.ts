import type { CompiledQuery, DatabaseConnection, Kysely, QueryResult } from 'kysely';

/**
 * The connection of a transaction, found at its first statement run here and kept on the
 * transaction itself: entries of a long-lived WeakMap kept every transaction's objects past
 * young-generation collections (40 MB more peak memory under a stream of creates).
 */
const CONNECTION = Symbol('sluice.connection');

type WithConnection = Kysely<any> & { [CONNECTION]?: Promise<DatabaseConnection> };

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
  const transaction = executor as WithConnection;
  transaction[CONNECTION] ??= queries.provideConnection(async (found) => found);
  return (await transaction[CONNECTION]).executeQuery<R>(query);
}
