/**
 * Records over HTTP: create, view by id and a list of 20, against Sluice on SQLite with no hooks,
 * with ten non-matching hooks plus one matching filter and action, and with no hooks and the
 * request logs off (what the logs cost), and against the ceiling —
 * bare Fastify doing the same SQL with prepared better-sqlite3 statements. The servers run in
 * child processes (`records-server.ts`) so that autocannon, here, has the other core.
 *
 * Each mode is a server of its own — Sluice without hooks, Sluice with the ten hooks registered
 * at start-up, Sluice without request logs, the ceiling — and a case runs them in alternating
 * slices so that drift during the run falls on all alike. Beside requests per second, each mode's
 * CPU time per request (user and system, of the server process over the measured slices), which
 * other load on the machine moves far less.
 *
 * - `SLUICE_BENCH_CASES=view,list` runs only those cases;
 * - `SLUICE_BENCH_PROFILE=<dir>` writes CPU profiles of the servers to `<dir>/sluice-none`,
 *   `<dir>/sluice-ten`, `<dir>/sluice-unlogged` and `<dir>/ceiling` (summarise them with `bench/cpuprofile.ts`);
 * - `SLUICE_BENCH_VERBOSE=1` prints each slice and the server's memory after each case;
 * - `SLUICE_BENCH_NODE_FLAGS='--max-semi-space-size=4'` passes Node/V8 flags to both servers;
 * - `SLUICE_BENCH_CONTROL=1` adds a fifth server, `control`, set up exactly like `none`: what
 *   its figures differ from `none`'s by is the noise of that run, the least a cost must exceed
 *   to be told apart from it.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import autocannon, { type AutocannonOptions } from 'autocannon';
import { compiledScript } from './compiled.ts';
import type { Answer, HooksMode, Ready, Request } from './records-server.ts';

const CONNECTIONS = 10;
const WARMUP_S = 2;
const SLICE_S = 0.5;
/**
 * Each case runs one slice of each mode per round, in this order and then backwards, so that
 * drift and bursts of other load on the machine fall on all three alike.
 */
const control = process.env.SLUICE_BENCH_CONTROL === '1';
const ROUND: readonly Mode[] = control
  ? ['none', 'ten', 'unlogged', 'control', 'ceiling']
  : ['none', 'ten', 'unlogged', 'ceiling'];
const ROUNDS = 10;
const verbose = process.env.SLUICE_BENCH_VERBOSE === '1';
const COLLECTION = 'posts';

type CaseName = 'create' | 'view' | 'list';
type Mode = HooksMode | 'ceiling';

interface Figure {
  case: CaseName;
  hooks: Mode;
  rps: number;
  p99ms: number;
  /** The server's CPU time per answered request, in microseconds. */
  cpuUs: number;
}

const serverScript = compiledScript('records-server.ts');
const nodeFlags = process.env.SLUICE_BENCH_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? [];

class Server {
  #next = 1;
  readonly #pending = new Map<number, (answer: Answer) => void>();

  private constructor(
    readonly kind: string,
    readonly child: ChildProcess,
    readonly url: string,
    readonly ids: string[],
  ) {
    child.on('message', (message: Answer) => {
      const resolve = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      resolve?.(message);
    });
  }

  /** `mode`: the Sluice server without hooks or with the ten, or the ceiling. */
  static start(mode: Mode, profileDir?: string): Promise<Server> {
    const kind = mode === 'ceiling' ? 'ceiling' : `sluice-${mode}`;
    const execArgv = [...nodeFlags];
    if (profileDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${join(profileDir, kind)}`);
    const args = mode === 'ceiling' ? ['ceiling'] : ['sluice', mode];
    const child = fork(serverScript, args, { execArgv, stdio: 'inherit' });
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`The ${kind} server exited (${code}).`));
      child.once('exit', onExit);
      child.once('message', (message: Ready) => {
        child.off('exit', onExit);
        resolve(new Server(kind, child, message.url, message.ids));
      });
    });
  }

  async call(command: Request): Promise<Answer> {
    const id = this.#next++;
    const answer = await new Promise<Answer>((resolve) => {
      this.#pending.set(id, resolve);
      this.child.send({ ...command, id });
    });
    if (answer.error) throw new Error(`${this.kind}: ${answer.error}`);
    return answer;
  }

  async stop(): Promise<Answer> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    const answer = await this.call({ cmd: 'stop' });
    await exited;
    return answer;
  }
}

interface Load {
  ok: number;
  seconds: number;
  latencies: number[];
}

function requestsFor(name: CaseName, server: Server): Omit<AutocannonOptions, 'duration'> {
  const records = `${server.url}/api/collections/${COLLECTION}/records`;
  switch (name) {
    case 'create':
      return {
        url: records,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'A post about sluices', views: 42 }),
      };
    case 'view':
      return {
        url: server.url,
        requests: server.ids.map((id) => ({
          method: 'GET',
          path: `/api/collections/${COLLECTION}/records/${id}`,
        })),
      };
    case 'list':
      return { url: `${records}?perPage=20&skipTotal=1` };
  }
}

/** Drives load for `seconds`; throws on any error or non-2xx answer. */
function drive(options: Omit<AutocannonOptions, 'duration'>, seconds: number): Promise<Load> {
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  let status = 0;
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { ...options, connections: CONNECTIONS, duration: seconds, sampleInt: 250 },
      (error, result) => {
        const elapsed = (performance.now() - start) / 1000;
        if (error) return reject(error);
        if (failed > 0 || result.errors > 0 || result.timeouts > 0) {
          return reject(
            new Error(
              `${options.method ?? 'GET'} ${options.url}: ${failed} answers not 2xx (last ${status}), ` +
                `${result.errors} errors, ${result.timeouts} timeouts`,
            ),
          );
        }
        resolve({ ok, seconds: elapsed, latencies });
      },
    );
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, time: number) => {
      if (statusCode >= 200 && statusCode < 300) {
        ok++;
        latencies.push(time);
      } else {
        failed++;
        status = statusCode;
      }
    });
  });
}

/**
 * Requests per second: the median over the mode's slices, so that a burst of other work on the
 * machine during one slice does not move it; p99 over every request of every slice.
 */
function figure(name: CaseName, hooks: Mode, loads: Load[], cpuUs: number): Figure {
  const rates = Float64Array.from(loads.map((load) => load.ok / load.seconds)).sort();
  const middle = rates.length >> 1;
  const rps = rates.length % 2 ? rates[middle] : (rates[middle - 1] + rates[middle]) / 2;
  const latencies = Float64Array.from(loads.flatMap((load) => load.latencies)).sort();
  const p99 = latencies.length ? latencies[Math.ceil(latencies.length * 0.99) - 1] : 0;
  const answered = loads.reduce((sum, load) => sum + load.ok, 0);
  return {
    case: name,
    hooks,
    rps: Math.round(rps),
    p99ms: Math.round(p99 * 100) / 100,
    cpuUs: Math.round((cpuUs / answered) * 10) / 10,
  };
}

async function sanityCheck(servers: Server[]): Promise<void> {
  for (const server of servers) {
    const answer = await fetch(`${server.url}/api/collections/${COLLECTION}/records/${server.ids[0]}`);
    const body = (await answer.json()) as Record<string, unknown>;
    if (answer.status !== 200 || body.id !== server.ids[0] || body.title !== 'post 0') {
      throw new Error(`${server.kind} answered ${answer.status} ${JSON.stringify(body)}`);
    }
  }
}

const only = process.env.SLUICE_BENCH_CASES?.split(',').map((name) => name.trim());
const order: CaseName[] = (['view', 'list', 'create'] as const).filter(
  (name) => !only || only.includes(name),
);

const profileDir = process.env.SLUICE_BENCH_PROFILE;
const started = await Promise.all(ROUND.map((mode) => Server.start(mode, profileDir)));
const servers = Object.fromEntries(ROUND.map((mode, index) => [mode, started[index]])) as Record<
  Mode,
  Server
>;
await sanityCheck(started);
console.log(
  `records: ${CONNECTIONS} connections; per case and mode ${WARMUP_S} s warm-up, then ${ROUNDS * SLICE_S} s ` +
    `measured per mode in slices of ${SLICE_S} s (${ROUND.join(', ')}, then backwards, ${ROUNDS} times; ` +
    `req/s is the median slice); ` +
    `each mode a server in a child process${nodeFlags.length ? ` with ${nodeFlags.join(' ')}` : ''}\n`,
);

const figures: Figure[] = [];
await Promise.all(ROUND.map((mode) => servers[mode].call({ cmd: 'resetPeak' })));
for (const name of order) {
  const loads = {} as Record<Mode, Omit<AutocannonOptions, 'duration'>>;
  for (const mode of ROUND) loads[mode] = requestsFor(name, servers[mode]);
  const run = (mode: Mode, seconds: number) => drive(loads[mode], seconds);
  for (const mode of ROUND) await run(mode, WARMUP_S);
  const cpuNow = async () =>
    Promise.all(ROUND.map(async (mode) => (await servers[mode].call({ cmd: 'cpu' })).cpuUs!));
  const cpuBefore = await cpuNow();
  const slices: Record<Mode, Load[]> = { none: [], ten: [], unlogged: [], control: [], ceiling: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of round % 2 === 0 ? ROUND : [...ROUND].reverse()) {
      const load = await run(mode, SLICE_S);
      slices[mode].push(load);
      if (verbose) console.log(`  ${name} ${mode}: ${Math.round(load.ok / load.seconds)} req/s`);
    }
  }
  if (verbose) {
    for (const mode of ROUND)
      console.log(`  ${name} ${mode}: ${JSON.stringify(await servers[mode].call({ cmd: 'memory' }))}`);
  }
  const cpuAfter = await cpuNow();
  for (const [index, mode] of ROUND.entries())
    figures.push(figure(name, mode, slices[mode], cpuAfter[index] - cpuBefore[index]));
}
const memories = Object.fromEntries(
  await Promise.all(ROUND.map(async (mode) => [mode, await servers[mode].call({ cmd: 'memory' })] as const)),
) as Record<Mode, Answer>;
const peakRss = Math.max(memories.none.peakRssMb ?? 0, memories.ten.peakRssMb ?? 0);
const maxRss = Math.max(memories.none.maxRssMb ?? 0, memories.ten.maxRssMb ?? 0);
const unloggedRss = memories.unlogged.peakRssMb ?? 0;
const ceilingRss = memories.ceiling.peakRssMb ?? 0;

await Promise.all(ROUND.map((mode) => servers[mode].stop()));

const get = (name: CaseName, hooks: Mode) =>
  figures.find((entry) => entry.case === name && entry.hooks === hooks)!;
const percent = (value: number) => `${(value * 100).toFixed(1)} %`;
const ordered: CaseName[] = (['create', 'view', 'list'] as const).filter((name) => order.includes(name));
/** DESIGN §9: what each case should reach of the ceiling. */
const goals: Record<CaseName, number> = { create: 0.8, view: 0.9, list: 0.9 };

const header = [
  'case'.padEnd(8),
  'mode'.padEnd(9),
  'req/s'.padStart(8),
  'p99 ms'.padStart(8),
  'CPU µs/req'.padStart(11),
  'cost'.padStart(8),
  'CPU cost'.padStart(9),
  'of ceiling'.padStart(11),
];
console.log(header.join(' '));
const misses: string[] = [];
for (const name of ordered) {
  const none = get(name, 'none');
  const top = get(name, 'ceiling');
  const share = none.rps / top.rps;
  if (share < goals[name]) misses.push(`${name} at ${percent(share)} of the ceiling`);
  // the hooks' cost is against Sluice without hooks; the request logs' against Sluice without them
  const costs: Partial<Record<Mode, { rps: number; cpu: number; goal: number; what: string }>> = {
    ten: {
      rps: 1 - get(name, 'ten').rps / none.rps,
      cpu: get(name, 'ten').cpuUs / none.cpuUs - 1,
      goal: 0.05,
      what: 'hooks',
    },
    none: {
      rps: 1 - none.rps / get(name, 'unlogged').rps,
      cpu: none.cpuUs / get(name, 'unlogged').cpuUs - 1,
      goal: 0.03,
      what: 'request logs',
    },
  };
  if (control) {
    // no goal: the same server twice, so any difference is the run's noise
    costs.control = {
      rps: 1 - get(name, 'control').rps / none.rps,
      cpu: get(name, 'control').cpuUs / none.cpuUs - 1,
      goal: Number.POSITIVE_INFINITY,
      what: 'noise',
    };
  }
  for (const mode of ROUND) {
    const entry = get(name, mode);
    const cost = costs[mode];
    if (cost && cost.rps >= cost.goal) misses.push(`${name} ${cost.what} cost ${percent(cost.rps)}`);
    console.log(
      [
        name.padEnd(8),
        mode.padEnd(9),
        entry.rps.toLocaleString('en').padStart(8),
        entry.p99ms.toFixed(2).padStart(8),
        entry.cpuUs.toFixed(1).padStart(11),
        (cost ? percent(cost.rps) : '').padStart(8),
        (cost ? percent(cost.cpu) : '').padStart(9),
        (mode === 'ceiling' ? '' : percent(entry.rps / top.rps)).padStart(11),
      ].join(' '),
    );
  }
}
if (peakRss >= 150) misses.push(`RSS ${peakRss} MB`);
console.log(
  `\ncost: of the ten hooks (ten against none), of the request logs (none against unlogged)` +
    `${control ? ', and the noise (control, the same server as none, against none)' : ''}; ` +
    `req/s lost, and CPU time per request added`,
);
console.log(
  `peak RSS of a Sluice process during the cases: ${peakRss} MB (sampled every 50 ms; without hooks ` +
    `${memories.none.peakRssMb} MB, with ${memories.ten.peakRssMb} MB, without request logs ${unloggedRss} MB; ` +
    `${maxRss} MB highest since start, start-up included); the ceiling's: ${ceilingRss} MB`,
);
console.log(
  `goals: hooks cost < 5 %; request logs cost < 3 %; ${ordered.map((name) => `${name} >= ${percent(goals[name])}`).join(', ')} of the ceiling; RSS < 150 MB: ` +
    (misses.length ? `not met (${misses.join('; ')})` : 'met'),
);
console.log(
  JSON.stringify({
    bench: 'records',
    cases: ordered.flatMap((name) => ROUND.map((mode) => get(name, mode))),
    rssMb: peakRss,
    unloggedRssMb: unloggedRss,
  }),
);
