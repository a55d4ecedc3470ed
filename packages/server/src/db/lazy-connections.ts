import { ServiceUnavailableError } from '@sluice/hooks';
import type {
  CompiledQuery,
  DatabaseConnection,
  Dialect,
  Driver,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from 'kysely';
import type { Gate } from './gate.ts';

/**
 * A connection that takes a slot of the gate and a real connection at its first statement, not
 * before: a transaction whose filters wait on something other than the database (an outside
 * service, a slow hook) holds no connection — on SQLite, not the single writer — until it
 * actually reads or writes. Its `begin` is sent just before that first statement.
 */
class LazyConnection implements DatabaseConnection {
  #real: DatabaseConnection | undefined;
  #opening: Promise<DatabaseConnection> | undefined;
  #begin: TransactionSettings | undefined;

  constructor(
    private readonly driver: Driver,
    private readonly gate: Gate,
    private readonly abandoned: () => boolean,
  ) {}

  get real(): DatabaseConnection | undefined {
    return this.#real;
  }

  deferBegin(settings: TransactionSettings): void {
    this.#begin = settings;
  }

  open(): Promise<DatabaseConnection> {
    if (this.#real) return Promise.resolve(this.#real);
    this.#opening ??= this.#open();
    return this.#opening;
  }

  async #open(): Promise<DatabaseConnection> {
    await this.gate.acquire();
    let real: DatabaseConnection | undefined;
    try {
      if (this.abandoned()) throw new ServiceUnavailableError('The client went away; the write was dropped.');
      real = await this.driver.acquireConnection();
      if (this.#begin) await this.driver.beginTransaction(real, this.#begin);
    } catch (error) {
      if (real) await this.driver.releaseConnection(real);
      this.gate.release();
      throw error;
    }
    this.#real = real;
    return real;
  }

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.#real) return this.#real.executeQuery(query);
    return this.open().then((real) => real.executeQuery(query));
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    const real = await this.open();
    yield* real.streamQuery<R>(query, chunkSize);
  }
}

class LazyDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly gate: Gate,
    private readonly abandoned: () => boolean,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new LazyConnection(this.inner, this.gate, this.abandoned);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    (connection as LazyConnection).deferBegin(settings);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const real = (connection as LazyConnection).real;
    if (real) await this.inner.commitTransaction(real);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const real = (connection as LazyConnection).real;
    if (real) await this.inner.rollbackTransaction(real);
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) {
    await this.inner.savepoint?.(await (connection as LazyConnection).open(), name, compile);
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ) {
    await this.inner.rollbackToSavepoint?.(await (connection as LazyConnection).open(), name, compile);
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ) {
    await this.inner.releaseSavepoint?.(await (connection as LazyConnection).open(), name, compile);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const real = (connection as LazyConnection).real;
    if (!real) return;
    try {
      await this.inner.releaseConnection(real);
    } finally {
      this.gate.release();
    }
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

/**
 * `dialect` with connections taken lazily through `gate`; `abandoned` tells, when a slot is
 * granted, whether the caller has gone (its client disconnected), in which case it is dropped.
 */
export function withLazyConnections(dialect: Dialect, gate: Gate, abandoned: () => boolean): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createDriver: () => new LazyDriver(dialect.createDriver(), gate, abandoned),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
  };
}
