import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { lazyModule } from '../lazy-module.ts';
import type { Cluster, ClusterHandler } from './types.ts';

const ioredis = lazyModule<typeof import('ioredis')>('ioredis');

export interface RedisClusterOptions {
  /** Put before every channel and key. Default `sluice:`. */
  prefix?: string;
  logger: Logger;
  /** How long `connect()` waits for Redis at start-up. Default 5 000 ms. */
  connectTimeoutMs?: number;
  /** How long a command may wait for its answer. Default 5 000 ms. */
  commandTimeoutMs?: number;
}

interface Envelope {
  from: string;
  message: unknown;
}

/** `redis://user:***@host:port/db`: what logs and errors may show of the URL. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redis://…';
  }
}

/**
 * The cluster over Redis: one connection for commands (publish, locks), one for subscriptions.
 * Both reconnect on their own (ioredis resubscribes); while Redis is away, publishing and
 * locking fail quietly (`tryLock` answers false) and one error per outage is logged. When the
 * subscriber comes back, `onReconnect` handlers run, since messages may have been missed.
 */
export class RedisCluster implements Cluster {
  readonly id = randomBytes(8).toString('hex');
  readonly prefix: string;
  readonly #commands: Redis;
  readonly #subscriber: Redis;
  readonly #logger: Logger;
  readonly #url: string;
  readonly #connectTimeoutMs: number;
  readonly #handlers = new Map<string, Set<ClusterHandler>>();
  readonly #reconnected = new Set<() => void>();
  readonly #down = new Set<Redis>();
  #connected = false;
  #closed = false;

  constructor(url: string, options: RedisClusterOptions) {
    this.prefix = options.prefix ?? 'sluice:';
    this.#logger = options.logger;
    this.#url = redactRedisUrl(url);
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 5000;
    const connection = {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      commandTimeout: options.commandTimeoutMs ?? 5000,
      retryStrategy: (attempt: number) => Math.min(attempt * 100, 2000),
    };
    this.#commands = new (ioredis().Redis)(url, { ...connection, connectionName: `sluice-${this.id}` });
    this.#subscriber = new (ioredis().Redis)(url, { ...connection, connectionName: `sluice-${this.id}-sub` });
    this.#watch(this.#commands, 'commands');
    this.#watch(this.#subscriber, 'subscriber');
    this.#subscriber.on('message', (channel: string, text: string) => this.#receive(channel, text));
  }

  #watch(connection: Redis, role: string): void {
    connection.on('error', (error: Error) => {
      // before the first connection, `connect()` reports the failure
      if (this.#closed || !this.#connected || this.#down.has(connection)) return;
      this.#down.add(connection);
      this.#logger.error(
        { err: error, redis: this.#url, connection: role },
        'Lost the Redis connection; reconnecting.',
      );
    });
    connection.on('close', () => {
      if (this.#connected && !this.#closed) this.#down.add(connection);
    });
    connection.on('ready', () => {
      if (!this.#down.delete(connection) || this.#closed) return;
      this.#logger.info({ redis: this.#url, connection: role }, 'The Redis connection is back.');
      if (connection === this.#subscriber) for (const handler of this.#reconnected) handler();
    });
  }

  /** Opens both connections; rejects, with the connections closed, when Redis does not answer. */
  async connect(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`timed out after ${this.#connectTimeoutMs} ms`)),
        this.#connectTimeoutMs,
      );
    });
    try {
      await Promise.race([Promise.all([this.#commands.connect(), this.#subscriber.connect()]), timeout]);
    } catch (error) {
      this.#closed = true;
      this.#commands.disconnect();
      this.#subscriber.disconnect();
      throw new Error(`Could not connect to Redis at ${this.#url}: ${(error as Error).message}`, {
        cause: error,
      });
    } finally {
      clearTimeout(timer);
    }
    this.#down.clear();
    this.#connected = true;
  }

  #receive(channel: string, text: string): void {
    const handlers = this.#handlers.get(channel);
    if (!handlers) return;
    let envelope: Envelope;
    try {
      envelope = JSON.parse(text) as Envelope;
    } catch {
      this.#logger.warn({ channel }, 'Ignored a Redis message that is not JSON.');
      return;
    }
    if (envelope.from === this.id) return;
    for (const handler of handlers) {
      try {
        const result = handler(envelope.message, envelope.from);
        if (result instanceof Promise) result.catch((error) => this.#handlerFailed(channel, error));
      } catch (error) {
        this.#handlerFailed(channel, error);
      }
    }
  }

  #handlerFailed(channel: string, error: unknown): void {
    this.#logger.error({ err: error, channel }, 'Handling a cluster message failed.');
  }

  async publish(channel: string, message: unknown, options?: { settled?: boolean }): Promise<void> {
    if (this.#closed) return;
    const envelope: Envelope = { from: this.id, message };
    try {
      await this.#commands.publish(this.prefix + channel, JSON.stringify(envelope));
      // Redis may answer PUBLISH before it has written to the subscribers; it has written to
      // them before it answers a command sent after that answer.
      if (options?.settled) await this.#commands.ping();
    } catch (error) {
      if (!this.#down.has(this.#commands))
        this.#logger.warn({ err: error, channel }, 'A cluster message could not be published.');
    }
  }

  async subscribe(channel: string, handler: ClusterHandler): Promise<() => Promise<void>> {
    const name = this.prefix + channel;
    let handlers = this.#handlers.get(name);
    if (!handlers) {
      handlers = new Set();
      this.#handlers.set(name, handlers);
      await this.#subscriber.subscribe(name);
    }
    const set = handlers;
    set.add(handler);
    return async () => {
      if (!set.delete(handler) || set.size > 0 || this.#handlers.get(name) !== set) return;
      this.#handlers.delete(name);
      if (this.#closed) return;
      await this.#subscriber.unsubscribe(name).catch(() => {});
    };
  }

  async tryLock(key: string, ttlMs: number): Promise<boolean> {
    if (this.#closed) return false;
    try {
      const ttl = Math.max(1, Math.round(ttlMs));
      return (await this.#commands.set(`${this.prefix}lock:${key}`, this.id, 'PX', ttl, 'NX')) === 'OK';
    } catch (error) {
      if (!this.#down.has(this.#commands))
        this.#logger.warn({ err: error, key }, 'A cluster lock could not be asked for.');
      return false;
    }
  }

  onReconnect(handler: () => void): () => void {
    this.#reconnected.add(handler);
    return () => void this.#reconnected.delete(handler);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#handlers.clear();
    this.#reconnected.clear();
    await Promise.all([this.#commands, this.#subscriber].map((connection) => quit(connection)));
  }
}

/** QUIT when connected (pending commands finish), else just drop the socket. */
async function quit(connection: Redis): Promise<void> {
  if (connection.status !== 'ready') {
    connection.disconnect();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    connection.quit().catch(() => connection.disconnect()),
    new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        connection.disconnect();
        resolve();
      }, 1000);
    }),
  ]);
  clearTimeout(timer);
}

/** Connects to Redis and resolves once both connections are ready. */
export async function createRedisCluster(url: string, options: RedisClusterOptions): Promise<RedisCluster> {
  const cluster = new RedisCluster(url, options);
  await cluster.connect();
  return cluster;
}
