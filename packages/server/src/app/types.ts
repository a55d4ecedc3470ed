import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { LoadedExtension } from '../extensions/loader.ts';
import type { Core } from './core.ts';
import type { Services } from './services.ts';

export interface AppOptions {
  /** Data folder for SQLite and local files. Default `./sluice_data`. */
  dir?: string;
  /** `postgres://…` to use PostgreSQL instead of SQLite. Default: `SLUICE_DATABASE_URL`. */
  databaseUrl?: string;
  /** Where to listen. Default `127.0.0.1:8090`. */
  http?: string;
  /** The extensions folder. Default `./extensions`. */
  extensions?: string | false;
  /**
   * PocketBase's hook files folder (`*.pb.js`). Default: `SLUICE_HOOKS_DIR`, else `pb_hooks`
   * beside the data folder (`./sluice_data` → `./pb_hooks`); `false`: none.
   */
  hooksDir?: string | false;
  /** Reload extensions when their files change. */
  dev?: boolean;
  /** pino log level, or a logger. Default `info` (`silent` under tests). */
  logLevel?: string;
  logger?: Logger;
  env?: Record<string, string | undefined>;
  /** Hook engine limits (DESIGN §1.6). */
  hooks?: { warnMs?: number; timeoutMs?: number; maxConcurrentFilters?: number; maxQueuedFilters?: number };
  /** How long the whole of `stop()` may take; what still runs then is given up on. Default 10 000 ms. */
  shutdownTimeoutMs?: number;
  /** Largest accepted request body in bytes. Default 1 MiB. */
  bodyLimit?: number;
  /**
   * Proxies (IPs or CIDRs, or `loopback`, `linklocal`, `uniquelocal`) whose `X-Forwarded-For`
   * names the client, for the auth rate limits and `request.ip`. Default:
   * `SLUICE_TRUSTED_PROXIES` (comma-separated), else none: the connection's address.
   */
  trustedProxies?: string[];
  /**
   * The origins whose pages may call the API from a browser (CORS), e.g.
   * `https://app.example.com`. Default: `SLUICE_ORIGINS` (comma-separated), else `*`: every
   * origin, as in PocketBase.
   */
  origins?: string[];
  /**
   * `redis://…` to run as one of several instances (realtime, schema and settings notices,
   * cron locks shared through Redis). Default: `SLUICE_REDIS_URL`; none: one instance.
   */
  redisUrl?: string;
  /** Put before every Redis key and channel. Default: `SLUICE_REDIS_PREFIX`, else `sluice:`. */
  redisPrefix?: string;
}

export interface App extends Core {
  readonly services: Services;
  readonly http: FastifyInstance;
  readonly options: Required<Pick<AppOptions, 'dir' | 'http' | 'shutdownTimeoutMs'>> & AppOptions;
  /** The extensions loaded from the extensions folder, with the error of each that failed. */
  readonly extensions: readonly LoadedExtension[];
  /** Loads the extensions folder once (and watches it with `dev`); `bootstrap()` does it first. */
  loadExtensions(): Promise<void>;
  /** The base URL once listening, e.g. `http://127.0.0.1:8090`. */
  url: string;
  /** Opens the database, runs migrations and loads the schema; `start()` does it too. */
  bootstrap(): Promise<void>;
  /** Bootstraps, builds the HTTP app (init events in their documented order) and listens. */
  start(): Promise<void>;
  stop(): Promise<void>;
}
