import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type App, type AppOptions, createApp } from '../packages/server/src/index.ts';

export type Dialect = 'sqlite' | 'postgres';
export const dialects: readonly Dialect[] = ['sqlite', 'postgres'];

export const ADMIN_EMAIL = 'admin@example.com';
export const ADMIN_PASSWORD = 'admin-password-123';

const postgresAdminUrl =
  process.env.SLUICE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function withPostgres<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresAdminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A data folder and, on PostgreSQL, a database of its own; survives server restarts until `destroy`. */
export interface Storage {
  dialect: Dialect;
  dir: string;
  databaseUrl?: string;
  destroy(): Promise<void>;
}

export async function createStorage(dialect: Dialect): Promise<Storage> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-e2e-'));
  if (dialect === 'sqlite') {
    return {
      dialect,
      dir,
      async destroy() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `sluice_e2e_${randomBytes(6).toString('hex')}`;
  await withPostgres((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  return {
    dialect,
    dir,
    databaseUrl: url.toString(),
    async destroy() {
      await withPostgres((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as it is, without JSON encoding. */
  raw?: string;
  token?: string | null;
  headers?: Record<string, string>;
  query?: Record<string, string | number | boolean>;
}

export interface TestServer {
  app: App;
  url: string;
  storage: Storage;
  /** A superuser token (the admin made from `SLUICE_ADMIN_EMAIL`). */
  adminToken: string;
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  /** Lists a collection as the superuser and returns how many records it holds. */
  count(collection: string, filter?: string): Promise<number>;
  /** Stops the app; drops the storage unless it was passed in. */
  stop(): Promise<void>;
}

export interface StartOptions extends Omit<AppOptions, 'dir' | 'databaseUrl' | 'http' | 'env'> {
  /** Reuse a data folder and database (restarts); otherwise a fresh one is made and dropped on stop. */
  storage?: Storage;
  env?: Record<string, string | undefined>;
  /** Runs on the created app before `start()`: register init hooks here. */
  setup?: (app: App) => void | Promise<void>;
}

export async function request<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<ApiResponse<T>> {
  const url = new URL(path, baseUrl);
  for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, String(value));
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.raw !== undefined) {
    body = options.raw;
    headers['content-type'] ??= 'application/json';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  if (options.token) headers.authorization = options.token;
  const response = await fetch(url, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  if (text !== '' && response.headers.get('content-type')?.includes('application/json')) {
    parsed = JSON.parse(text);
  }
  return { status: response.status, body: parsed as T, text, headers: response.headers };
}

export async function startServer(dialect: Dialect, options: StartOptions = {}): Promise<TestServer> {
  const { storage: given, env, setup, ...appOptions } = options;
  const storage = given ?? (await createStorage(dialect));
  const app = createApp({
    logLevel: 'silent',
    extensions: false,
    hooksDir: false,
    ...appOptions,
    dir: storage.dir,
    databaseUrl: storage.databaseUrl,
    http: '127.0.0.1:0',
    env: { SLUICE_ADMIN_EMAIL: ADMIN_EMAIL, SLUICE_ADMIN_PASSWORD: ADMIN_PASSWORD, ...env },
  });
  try {
    await setup?.(app);
    await app.start();
  } catch (error) {
    await app.stop().catch(() => {});
    if (!given) await storage.destroy();
    throw error;
  }
  const url = app.url;
  const login = await request(url, 'POST', '/api/collections/_superusers/auth-with-password', {
    body: { identity: ADMIN_EMAIL, password: ADMIN_PASSWORD },
  });
  const adminToken = login.status === 200 ? (login.body.token as string) : '';
  let stopped = false;
  const server: TestServer = {
    app,
    url,
    storage,
    adminToken,
    request: (method, path, requestOptions) => request(url, method, path, requestOptions),
    async count(collection, filter) {
      const response = await request(url, 'GET', `/api/collections/${collection}/records`, {
        token: adminToken,
        query: { perPage: 1, ...(filter ? { filter } : {}) },
      });
      if (response.status !== 200) {
        throw new Error(`Counting "${collection}" answered ${response.status}: ${response.text}`);
      }
      return response.body.totalItems as number;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await app.stop();
      } finally {
        if (!given) await storage.destroy();
      }
    },
  };
  return server;
}

/** Creates a base collection as the superuser and fails loudly when it cannot. */
export async function createCollection(server: TestServer, definition: Record<string, unknown>) {
  const response = await server.request('POST', '/api/collections', {
    token: server.adminToken,
    body: { type: 'base', ...definition },
  });
  if (response.status !== 200) {
    throw new Error(`Creating collection "${definition.name}" answered ${response.status}: ${response.text}`);
  }
  return response.body as { id: string; name: string; fields: Array<{ id: string; name: string }> };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `check` holds (or throws after `ms`). */
export async function until(check: () => boolean, ms = 5000, what = 'a condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}.`);
    await sleep(10);
  }
}

/** Signs a user up as a guest and signs them in; returns their id and token. */
export async function signUp(
  server: TestServer,
  name: string,
  { collection = 'users', body = {} }: { collection?: string; body?: Record<string, unknown> } = {},
) {
  const email = `${name}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const password = 'password-123456';
  const created = await server.request('POST', `/api/collections/${collection}/records`, {
    body: {
      email,
      password,
      passwordConfirm: password,
      ...(collection === 'users' ? { name } : {}),
      ...body,
    },
    token: null,
  });
  if (created.status !== 200) throw new Error(`Signing up answered ${created.status}: ${created.text}`);
  const login = await server.request('POST', `/api/collections/${collection}/auth-with-password`, {
    body: { identity: email, password },
  });
  if (login.status !== 200) throw new Error(`Signing in answered ${login.status}: ${login.text}`);
  return { id: created.body.id as string, token: login.body.token as string };
}
