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
import type { Caller } from './types.ts';

export interface LazyConnectionOptions {
  gate: Gate;
  /** Who the statements that run here are for, if known. */
  caller(): Caller | undefined;
  /** Who a transaction whose connection is being made runs for, when `caller` cannot tell. */
  openingCaller?(): Caller | undefined;
  /** Stops the statement running on `connection` (PostgreSQL); absent where that cannot be done. */
  cancel?(connection: DatabaseConnection): void;
}

const gone = () => new ServiceUnavailableError('The client went away; the operation was dropped.');
const ended = () =>
  new Error('The transaction has ended (committed or rolled back); a statement sent through it was not run.');

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
  #released = false;

  constructor(
    private readonly driver: Driver,
    private readonly options: LazyConnectionOptions,
    private readonly openedFor: Caller | undefined,
  ) {}

  get real(): DatabaseConnection | undefined {
    return this.#real;
  }

  deferBegin(settings: TransactionSettings): void {
    this.#begin = settings;
  }

  /**
   * Once given back, the connection takes no more statements: the real one may by then serve
   * another transaction (on SQLite, the same single writer), and one never opened would open a
   * transaction nobody commits.
   */
  release(): void {
    this.#released = true;
  }

  open(): Promise<DatabaseConnection> {
    if (this.#released) return Promise.reject(ended());
    if (this.#real) return Promise.resolve(this.#real);
    this.#opening ??= this.#open();
    return this.#opening;
  }

  #caller(): Caller | undefined {
    return this.openedFor ?? this.options.caller();
  }

  async #open(): Promise<DatabaseConnection> {
    const { gate } = this.options;
    await gate.acquire();
    let real: DatabaseConnection | undefined;
    try {
      if (this.#caller()?.gone()) throw gone();
      real = await this.driver.acquireConnection();
      if (this.#begin) await this.driver.beginTransaction(real, this.#begin);
    } catch (error) {
      if (real) await this.driver.releaseConnection(real);
      gate.release();
      throw error;
    }
    this.#real = real;
    return real;
  }

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const real = this.#real;
    if (this.#released) return Promise.reject(ended());
    if (!real) return this.open().then(() => this.executeQuery(query));
    if (!this.options.cancel) return real.executeQuery(query);
    const caller = this.#caller();
    return caller ? this.#executeUntil(real, caller.signal(), query) : real.executeQuery(query);
  }

  async #executeUntil<R>(
    real: DatabaseConnection,
    signal: AbortSignal,
    query: CompiledQuery,
  ): Promise<QueryResult<R>> {
    if (signal.aborted) throw gone();
    const cancel = this.options.cancel!;
    const stop = () => cancel(real);
    signal.addEventListener('abort', stop, { once: true });
    try {
      return await real.executeQuery(query);
    } finally {
      signal.removeEventListener('abort', stop);
    }
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    const real = await this.open();
    yield* real.streamQuery<R>(query, chunkSize);
  }
}

class LazyDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly options: LazyConnectionOptions,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new LazyConnection(this.inner, this.options, this.options.openingCaller?.());
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
    const lazy = connection as LazyConnection;
    lazy.release();
    const real = lazy.real;
    if (!real) return;
    try {
      await this.inner.releaseConnection(real);
    } finally {
      this.options.gate.release();
    }
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

/** `dialect` with its connections taken lazily, through the gate, and stopped when their caller goes. */
export function withLazyConnections(dialect: Dialect, options: LazyConnectionOptions): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createDriver: () => new LazyDriver(dialect.createDriver(), options),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
  };
}
