/**
 * The servers `records.bench.ts` loads, each in a child process of its own so that the load
 * generator and the server do not share a core: `sluice none` and `sluice ten` (createApp on
 * SQLite, without hooks and with the ten hooks registered once at start-up, as an app would) or
 * `sluice unlogged` (no hooks, request logs off: what the logs cost) or
 * `ceiling` (bare Fastify and prepared better-sqlite3 statements doing the same SQL: a create is
 * one transaction writing the record, its `_activity` entry and its `_revisions` row, as Sluice's
 * default tracking does). Driven over IPC.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import Fastify from 'fastify';
import { createApp } from 'sluice';

/**
 * `unlogged`: no hooks, and the settings' request logs off (`logs.maxDays` 0); `control`: a
 * second server like `none`, to show how much two identical servers differ in one run.
 */
export type HooksMode = 'none' | 'ten' | 'unlogged' | 'control';

export type Request = { cmd: 'resetPeak' } | { cmd: 'memory' } | { cmd: 'cpu' } | { cmd: 'stop' };
export type Command = Request & { id: number };

export interface Ready {
  ready: true;
  url: string;
  ids: string[];
}

export interface Answer {
  id: number;
  /** Resident set size now. */
  rssMb?: number;
  /** The highest resident set size sampled (every 50 ms) since the last `resetPeak`. */
  peakRssMb?: number;
  /** The process's highest resident set size since it started (start-up included). */
  maxRssMb?: number;
  /** The V8 heap: in use, and reserved. */
  heapUsedMb?: number;
  heapTotalMb?: number;
  /** CPU time (user and system) the process has used since it started, in microseconds. */
  cpuUs?: number;
  error?: string;
}

export const COLLECTION = 'posts';
const SEED = 1000;
const KNOWN_IDS = 8;

const [kind, hooksMode] = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), `sluice-bench-${kind}-`));

function send(message: Ready | Answer, then?: () => void): void {
  process.send?.(message, undefined, undefined, then);
}

let peakRss = 0;
const sampleRss = () => {
  const rss = process.memoryUsage.rss();
  if (rss > peakRss) peakRss = rss;
  return rss;
};
setInterval(sampleRss, 50).unref();

function cpuUs(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

function memory(): Omit<Answer, 'id'> {
  const rss = sampleRss();
  return {
    rssMb: Math.round(rss / 1048576),
    peakRssMb: Math.round(peakRss / 1048576),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    heapUsedMb: Math.round(process.memoryUsage().heapUsed / 1048576),
    heapTotalMb: Math.round(process.memoryUsage().heapTotal / 1048576),
    cpuUs: cpuUs(),
  };
}

function seedRow(i: number) {
  return { title: `post ${i}`, views: i };
}

async function startSluice(mode: HooksMode): Promise<{ url: string; ids: string[]; stop(): Promise<void> }> {
  const app = createApp({
    dir,
    http: '127.0.0.1:0',
    logLevel: 'silent',
    extensions: false,
    env: { SLUICE_ADMIN_EMAIL: 'bench@example.com', SLUICE_ADMIN_PASSWORD: 'bench-password-123' },
  });
  await app.start();
  await app.services.collections.create(
    {
      name: COLLECTION,
      type: 'base',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'views', type: 'number' },
      ],
      listRule: '',
      viewRule: '',
      createRule: '',
      updateRule: '',
      deleteRule: '',
    },
    app.context(),
  );
  const ids: string[] = [];
  for (let i = 0; i < SEED; i++) {
    const record = await app.services.records.create(COLLECTION, seedRow(i));
    if (ids.length < KNOWN_IDS) ids.push(String(record.id));
    // Let the event loop turn, as it does between requests: a loop of creates that never yields
    // keeps every post-commit action (and its record) queued until it ends, and V8, seeing those
    // objects survive, then allocates records and event metas straight in the old generation for
    // the rest of the run (scavenges several times slower, p99 doubled).
    if (i % 10 === 9) await new Promise((resolve) => setImmediate(resolve));
  }

  if (mode === 'unlogged') await app.services.settings.update({ logs: { maxDays: 0 } }, app.context());

  if (mode === 'ten') {
    const { hooks } = app;
    const other = { tags: ['comments'] };
    const keep = <T>(payload: T): T => payload;
    const nothing = () => {};
    // ten that do not match: the same events for another collection, and other events
    hooks.filter('records.create', keep, other);
    hooks.action('records.create', nothing, other);
    hooks.filter('records.view', keep, other);
    hooks.action('records.view', nothing, other);
    hooks.filter('records.list', keep, other);
    hooks.action('records.list', nothing, other);
    hooks.filter('records.update', keep);
    hooks.action('records.delete', nothing);
    hooks.filter('auth.login', keep);
    hooks.action('auth.login', nothing);
    // one filter and one action that match every records event of this collection
    hooks.filter('records.*', keep, { tags: [COLLECTION] });
    hooks.action('records.*', nothing, { tags: [COLLECTION] });
  }

  return { url: app.url, ids, stop: () => app.stop() };
}

function newId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  while (out.length < 15) {
    for (const byte of randomBytes(30)) {
      if (byte >= 252) continue;
      out += alphabet[byte % 36];
      if (out.length === 15) break;
    }
  }
  return out;
}

function nowDate(): string {
  return new Date().toISOString().replace('T', ' ');
}

async function startCeiling(): Promise<{ url: string; ids: string[]; stop(): Promise<void> }> {
  const db = new BetterSqlite3(join(dir, 'data.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(
    `CREATE TABLE "${COLLECTION}" ("id" TEXT PRIMARY KEY NOT NULL, "title" TEXT NOT NULL DEFAULT '', ` +
      `"views" REAL NOT NULL DEFAULT 0, "created" TEXT NOT NULL DEFAULT '', "updated" TEXT NOT NULL DEFAULT '')`,
  );
  // the activity log's tables as Sluice makes them (a create is tracked `all` by default)
  db.exec(
    `CREATE TABLE "_activity" ("id" TEXT PRIMARY KEY NOT NULL, "action" TEXT NOT NULL, "user" TEXT NULL, ` +
      `"userCollection" TEXT NULL, "collection" TEXT NOT NULL, "item" TEXT NOT NULL DEFAULT '', ` +
      `"ip" TEXT NOT NULL DEFAULT '', "userAgent" TEXT NOT NULL DEFAULT '', "origin" TEXT NOT NULL DEFAULT '', ` +
      `"comment" TEXT NULL, "created" TEXT NOT NULL DEFAULT '') WITHOUT ROWID`,
  );
  db.exec(
    `CREATE TABLE "_revisions" ("id" TEXT PRIMARY KEY NOT NULL, "activity" TEXT NOT NULL, ` +
      `"collection" TEXT NOT NULL, "item" TEXT NOT NULL, "data" TEXT NOT NULL DEFAULT '{}', ` +
      `"delta" TEXT NOT NULL DEFAULT '{}', "created" TEXT NOT NULL DEFAULT '') WITHOUT ROWID`,
  );
  db.exec(`CREATE INDEX "_revisions_item" ON "_revisions" ("collection", "item")`);
  const insert = db.prepare(
    `INSERT INTO "${COLLECTION}" ("id", "title", "views", "created", "updated") VALUES (?, ?, ?, ?, ?) RETURNING *`,
  );
  const insertActivity = db.prepare(
    `INSERT INTO "_activity" ("id", "created", "action", "user", "userCollection", "collection", "item", ` +
      `"ip", "userAgent", "origin", "comment") VALUES (?, ?, 'create', NULL, NULL, ?, ?, ?, ?, '', NULL)`,
  );
  const insertRevision = db.prepare(
    `INSERT INTO "_revisions" ("id", "created", "activity", "collection", "item", "data", "delta") ` +
      `VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const byId = db.prepare(`SELECT * FROM "${COLLECTION}" WHERE "id" = ?`);
  const page = db.prepare(`SELECT * FROM "${COLLECTION}" LIMIT ? OFFSET ?`);
  const shape = (row: Record<string, unknown>) => ({
    collectionId: 'pbc_ceiling',
    collectionName: COLLECTION,
    ...row,
  });
  let logged = 0;
  const logId = () =>
    `${Date.now().toString(36).padStart(9, '0')}${(logged++ % 46656).toString(36).padStart(3, '0')}abc`;
  // what Sluice's create writes, in one transaction: the record, its activity entry and its revision
  const create = db.transaction((title: string, views: number, ip: string, userAgent: string) => {
    const now = nowDate();
    const row = insert.get(newId(), title, views, now, now) as Record<string, unknown>;
    const activity = logId();
    insertActivity.run(activity, now, COLLECTION, row.id, ip, userAgent);
    const data = JSON.stringify(row);
    insertRevision.run(logId(), now, activity, COLLECTION, row.id, data, data);
    return row;
  });
  const ids: string[] = [];
  for (let i = 0; i < SEED; i++) {
    const row = create(seedRow(i).title, seedRow(i).views, '127.0.0.1', '');
    if (ids.length < KNOWN_IDS) ids.push(String(row.id));
  }

  const http = Fastify({ logger: false });
  const base = `/api/collections/:collection/records`;
  http.get<{ Querystring: { perPage?: string; page?: string } }>(base, (request) => {
    const perPage = Number(request.query.perPage ?? 30);
    const pageNumber = Number(request.query.page ?? 1);
    const items = (page.all(perPage, (pageNumber - 1) * perPage) as Record<string, unknown>[]).map(shape);
    return { page: pageNumber, perPage, totalItems: -1, totalPages: -1, items };
  });
  http.get<{ Params: { id: string } }>(`${base}/:id`, (request, reply) => {
    const row = byId.get(request.params.id) as Record<string, unknown> | undefined;
    if (!row)
      return reply.status(404).send({ status: 404, code: 'not_found', message: 'Not found.', data: {} });
    return shape(row);
  });
  http.post<{ Body: { title?: string; views?: number } }>(base, (request) => {
    const body = request.body ?? {};
    const userAgent = request.headers['user-agent'] ?? '';
    return shape(create(String(body.title ?? ''), Number(body.views ?? 0), request.ip, userAgent));
  });
  await http.listen({ host: '127.0.0.1', port: 0 });
  const address = http.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    ids,
    async stop() {
      await http.close();
      db.close();
    },
  };
}

const server =
  kind === 'sluice' &&
  (hooksMode === 'none' || hooksMode === 'ten' || hooksMode === 'unlogged' || hooksMode === 'control')
    ? await startSluice(hooksMode)
    : kind === 'ceiling'
      ? await startCeiling()
      : undefined;
if (!server)
  throw new Error(
    `usage: records-server.ts <sluice none|sluice ten|sluice unlogged|sluice control|ceiling>, not "${kind} ${hooksMode}"`,
  );

process.on('message', async (message: Command) => {
  try {
    switch (message.cmd) {
      case 'resetPeak':
        peakRss = 0;
        sampleRss();
        send({ id: message.id });
        break;
      case 'cpu':
        send({ id: message.id, cpuUs: cpuUs() });
        break;
      case 'memory':
        send({ id: message.id, ...memory() });
        break;
      case 'stop':
        await server.stop();
        rmSync(dir, { recursive: true, force: true });
        send({ id: message.id, ...memory() }, () => process.exit(0));
        break;
    }
  } catch (error) {
    send({ id: message.id, error: error instanceof Error ? error.stack : String(error) });
  }
});
if (process.env.SLUICE_BENCH_VERBOSE === '1') console.log(`  pid ${process.pid}: ${kind} ${hooksMode ?? ''}`);
send({ ready: true, url: server.url, ids: server.ids });
