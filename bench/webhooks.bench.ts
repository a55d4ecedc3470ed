/**
 * Events out: how fast the outbox delivers, and what a subscribed webhook costs a write.
 *
 * - `deliver`: deliveries per second from the outbox to a local receiver (a child process,
 *   `webhooks-receiver.ts`), beside a bare keep-alive HTTP client loop posting the same bodies to
 *   the same receiver with the same number of requests in flight. Deliveries are queued before
 *   the server starts (its delivery worker with it), then the time until the receiver has taken
 *   them all. Both rows are warmed up first (a server of its own sends 500 deliveries, the loop
 *   posts 500 requests), so that neither times loading its HTTP client or compiling its code.
 * - `create`: records created per second (through the service, in-process) with one subscribed
 *   webhook and with none, in alternating slices so that drift falls on both alike; then the same
 *   for bare better-sqlite3 doing only the SQL (`floorCost`: what the outbox row costs before any
 *   of Sluice's own work).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { Agent, request } from 'undici';
import { createApp } from '../packages/server/src/index.ts';
import { OUTBOX } from '../packages/server/src/outbox/store.ts';

const DELIVERIES = Number(process.env.SLUICE_BENCH_DELIVERIES ?? 4000);
/** Deliveries (and bare requests) sent before either row is timed. */
const WARMUP = Number(process.env.SLUICE_BENCH_WARMUP ?? 500);
/** The delivery worker's default cap per endpoint, for the bare loop too. */
const IN_FLIGHT = 10;
const SLICE_MS = 1000;
/**
 * How long the deliveries may take before the run fails: a delivery that failed waits 5 s, then
 * minutes, before it is sent again, and waiting for it would hang the bench.
 */
const DELIVER_DEADLINE_MS = Number(process.env.SLUICE_BENCH_DEADLINE_MS ?? 120_000);
const SLICES = 6;
const COLLECTION = 'bench_posts';

const here = dirname(fileURLToPath(import.meta.url));

interface Receiver {
  child: ChildProcess;
  url: string;
  count(): Promise<number>;
  /** Resolves once the receiver has taken `count` requests in all; rejects after `deadlineMs`. */
  reached(count: number, deadlineMs: number): Promise<number>;
}

function ask(child: ChildProcess, message: { cmd: 'count' | 'await'; count?: number }): Promise<number> {
  return new Promise((answer) => {
    child.once('message', (reply: { received: number }) => answer(reply.received));
    child.send(message);
  });
}

function startReceiver(): Promise<Receiver> {
  const child = fork(join(here, 'webhooks-receiver.ts'));
  return new Promise((resolve) => {
    child.once('message', (message: { port: number }) => {
      resolve({
        child,
        url: `http://127.0.0.1:${message.port}/hook`,
        count: () => ask(child, { cmd: 'count' }),
        reached: (count, deadlineMs) => {
          let timer: NodeJS.Timeout | undefined;
          const late = new Promise<never>((_, reject) => {
            timer = setTimeout(async () => {
              const received = await ask(child, { cmd: 'count' });
              reject(
                new Error(
                  `Only ${received} of ${count} requests reached the receiver within ${deadlineMs} ms ` +
                    '(a failed delivery waits for its retry): the run is void.',
                ),
              );
            }, deadlineMs);
          });
          return Promise.race([ask(child, { cmd: 'await', count }), late]).finally(() => clearTimeout(timer));
        },
      });
    });
  });
}

const receiver = await startReceiver();

/** A server with one collection and one webhook on it, to the receiver, in a data folder of its own. */
async function openServer() {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-webhooks-'));
  const app = createApp({
    dir,
    http: '127.0.0.1:0',
    extensions: false,
    logLevel: 'silent',
    env: { SLUICE_WEBHOOKS_ALLOW_PRIVATE: 'true', SLUICE_WEBHOOKS_POLL_MS: '20' },
  });
  await app.bootstrap();
  const ctx = app.context();
  await app.services.collections.create(
    { name: COLLECTION, type: 'base', fields: [{ name: 'title', type: 'text' }] },
    ctx,
  );
  const webhook = await app.services.webhooks.create(
    { url: receiver.url, events: ['records.create'], tags: [COLLECTION] },
    ctx,
  );
  const create = (n: number) => app.services.records.create(COLLECTION, { title: `post ${n}` });
  const close = async () => {
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  return { app, ctx, webhook, create, close };
}

/** Fails the run when the receiver has not taken `count` requests in all within the deadline. */
async function awaitReceived(count: number): Promise<void> {
  try {
    await receiver.reached(count, DELIVER_DEADLINE_MS);
  } catch (error) {
    console.error((error as Error).message);
    receiver.child.kill();
    process.exit(1);
  }
}

// Warm-up, timed by neither row: a server of its own sends a first lot, so that loading the HTTP
// client and the signer, and compiling the hot code, fall outside the measured deliveries, as the
// bare loop's do.
if (WARMUP > 0) {
  const warm = await openServer();
  for (let n = 0; n < WARMUP; n++) await warm.create(n);
  await warm.app.start();
  await awaitReceived(WARMUP);
  await warm.close();
}

const { app, ctx, webhook, create, close } = await openServer();
/** CPU time (user and system) of this process, the server's, since `since`, in microseconds. */
const cpuSince = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return used.user + used.system;
};

// ── deliver ────────────────────────────────────────────────────────────────
for (let n = 0; n < DELIVERIES; n++) await create(n);
const bodies = (await app.database.db.selectFrom(OUTBOX).select('payload').execute()).map((row) =>
  String(row.payload),
);
await app.start();
// timed from the end of start-up, for the deliveries that arrive after it; the receiver says when
// it has them all, where counting the outbox's unsent rows every few milliseconds (or asking the
// receiver as often) took a good part of the sending process's time
let started = performance.now();
let cpu = process.cpuUsage();
const arrivedDuringStart = (await receiver.count()) - WARMUP;
await awaitReceived(WARMUP + DELIVERIES);
const deliveriesPerSec = Math.round(
  (DELIVERIES - arrivedDuringStart) / ((performance.now() - started) / 1000),
);
const deliverCpuUs = Math.round(cpuSince(cpu) / (DELIVERIES - arrivedDuringStart));

const agent = new Agent({ connections: IN_FLIGHT });
/** Posts `lot` to the receiver, `IN_FLIGHT` requests at a time, over kept-alive connections. */
const postAll = (lot: readonly string[]) => {
  let next = 0;
  return Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < lot.length) {
        const body = lot[next++];
        const response = await request(receiver.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          dispatcher: agent,
        });
        await response.body.dump();
      }
    }),
  );
};
await postAll(bodies.slice(0, WARMUP));
started = performance.now();
cpu = process.cpuUsage();
await postAll(bodies);
const barePerSec = Math.round(bodies.length / ((performance.now() - started) / 1000));
const bareCpuUs = Math.round(cpuSince(cpu) / bodies.length);
await agent.close();
console.log({
  case: 'deliver',
  deliveriesPerSec,
  barePerSec,
  deliverCpuUs,
  bareCpuUs,
  received: await receiver.count(),
});

// ── create ─────────────────────────────────────────────────────────────────
/** Slices go none, one, one, none, … so that drift during the run falls on both alike. */
const modeOf = (slice: number): 'none' | 'one' => (slice % 4 === 0 || slice % 4 === 3 ? 'none' : 'one');
const rates: Record<'none' | 'one', number[]> = { none: [], one: [] };
/** CPU microseconds per create, deliveries sent meanwhile included. */
const cpuPerCreate: Record<'none' | 'one', number[]> = { none: [], one: [] };
let n = 0;
// SLUICE_BENCH_CASES=deliver skips this case
const slices = process.env.SLUICE_BENCH_CASES === 'deliver' ? 0 : SLICES * 2;
for (let slice = 0; slice < slices; slice++) {
  const mode = modeOf(slice);
  await app.services.webhooks.update(webhook.id, { enabled: mode === 'one' }, ctx);
  const start = performance.now();
  const sliceCpu = process.cpuUsage();
  let done = 0;
  while (performance.now() - start < SLICE_MS) {
    await create(n++);
    done += 1;
  }
  rates[mode].push(done / ((performance.now() - start) / 1000));
  cpuPerCreate[mode].push(cpuSince(sliceCpu) / done);
  console.log({
    case: 'create',
    webhooks: mode,
    rps: Math.round(rates[mode].at(-1) ?? 0),
    cpuUs: Math.round(cpuPerCreate[mode].at(-1) ?? 0),
  });
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const createsPerSecNone = Math.round(median(rates.none));
const createsPerSecOne = Math.round(median(rates.one));
const createCpuUsNone = Math.round(median(cpuPerCreate.none));
const createCpuUsOne = Math.round(median(cpuPerCreate.one));

// The floor: bare better-sqlite3, on a file of its own with the same tables and indexes, doing
// only the SQL of a create (one transaction inserting the record) and of a create with one
// webhook (the record and its outbox row, the same payload), in alternating slices: what the
// outbox row costs a write before any of Sluice's own work.
const floorRates: Record<'none' | 'one', number[]> = { none: [], one: [] };
if (slices > 0) {
  const floorDir = mkdtempSync(join(tmpdir(), 'sluice-bench-webhooks-floor-'));
  const floor = new BetterSqlite3(join(floorDir, 'floor.db'));
  floor.pragma('journal_mode = WAL');
  floor.pragma('synchronous = NORMAL');
  const tables = await sql<{ sql: string }>`SELECT "sql" FROM "sqlite_master"
    WHERE "tbl_name" IN (${COLLECTION}, ${OUTBOX}) AND "sql" IS NOT NULL ORDER BY "type" DESC`.execute(
    app.database.db,
  );
  for (const table of tables.rows) floor.exec(table.sql);
  const [outboxRow] = await app.database.db.selectFrom(OUTBOX).selectAll().limit(1).execute();
  const insertRecord = floor.prepare(
    `INSERT INTO "${COLLECTION}" ("id", "title", "created", "updated") VALUES (?, ?, ?, ?)`,
  );
  const insertOutbox = floor.prepare(
    `INSERT INTO "${OUTBOX}" ("id", "webhook", "eventId", "name", "payload", "status", "attempts",
      "nextAttemptAt", "created", "updated") VALUES (?, ?, ?, ?, ?, 'pending', '[]', ?, ?, ?)`,
  );
  const write = floor.transaction((k: number, withOutbox: boolean) => {
    const now = new Date().toISOString().replace('T', ' ');
    const id = `${Date.now().toString(36)}${String(k).padStart(9, '0')}`;
    insertRecord.run(id, `post ${k}`, now, now);
    if (withOutbox)
      insertOutbox.run(`msg_${id}`, webhook.id, id, 'records.create', outboxRow?.payload, now, now, now);
  });
  let k = 0;
  for (let slice = 0; slice < slices; slice++) {
    const mode = modeOf(slice);
    const start = performance.now();
    let done = 0;
    while (performance.now() - start < SLICE_MS) {
      write(k++, mode === 'one');
      done += 1;
    }
    floorRates[mode].push(done / ((performance.now() - start) / 1000));
  }
  floor.close();
  rmSync(floorDir, { recursive: true, force: true });
}
const floorCost =
  slices > 0 ? Number((1 - median(floorRates.one) / median(floorRates.none)).toFixed(3)) : null;

await close();
receiver.child.send({ cmd: 'stop' });

const deliveryRatio = Number((deliveriesPerSec / barePerSec).toFixed(2));
const createCost = Number((1 - createsPerSecOne / createsPerSecNone).toFixed(3));
console.log(
  JSON.stringify({
    bench: 'webhooks',
    deliveriesPerSec,
    barePerSec,
    deliveryRatio,
    deliverCpuUs,
    bareCpuUs,
    deliveryGoal: deliveryRatio >= 0.5,
    createsPerSecNone,
    createsPerSecOne,
    createCpuUsNone,
    createCpuUsOne,
    createCost,
    createGoal: createCost < 0.2,
    floorCost,
  }),
);
