/**
 * Start-up: from spawning `sluice serve` (the compiled CLI, as `npm start` runs it) on an existing
 * data folder to its first healthy answer, and the RSS it holds idle a second later, beside the
 * ceiling — bare Fastify opening the same SQLite file — started alternately in the same run.
 * `SLUICE_BENCH_RUNS` starts of each (default 7); medians.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { compiledScript } from './compiled.ts';

const here = dirname(fileURLToPath(import.meta.url));
const RUNS = Number(process.env.SLUICE_BENCH_RUNS ?? 7);
const IDLE_MS = 1000;
const GOAL_MS = 1000;
const IDLE_GOAL_MB = 100;

const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-startup-'));
const sluice = join(here, '..', 'packages', 'server', 'bin', 'sluice.js');
const ceiling = compiledScript('startup-ceiling.ts');

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Math.round(Number(kb) / 1024);
}

async function healthy(url: string, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`The server exited (${child.exitCode}) before it was healthy.`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(5);
  }
}

type Kind = 'sluice' | 'ceiling';

async function start(kind: Kind): Promise<{ ms: number; idleRssMb: number }> {
  const port = await freePort();
  const args =
    kind === 'sluice'
      ? [sluice, 'serve', '--dir', dir, '--http', `127.0.0.1:${port}`]
      : [ceiling, dir, String(port)];
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: dir,
    env: { ...process.env, SLUICE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await healthy(`http://127.0.0.1:${port}/api/health`, child);
    const ms = performance.now() - started;
    await sleep(IDLE_MS);
    return { ms, idleRssMb: rssMb(child.pid!) };
  } finally {
    child.kill('SIGTERM');
    if (child.exitCode === null) await once(child, 'exit');
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

// the first start creates the data folder: migrations, default settings
await start('sluice');
const runs: Record<Kind, { ms: number; idleRssMb: number }[]> = { sluice: [], ceiling: [] };
for (let i = 0; i < RUNS; i++)
  for (const kind of ['sluice', 'ceiling'] as const) runs[kind].push(await start(kind));
rmSync(dir, { recursive: true, force: true });

const figures = Object.fromEntries(
  (['sluice', 'ceiling'] as const).map((kind) => [
    kind,
    {
      ms: Math.round(median(runs[kind].map((run) => run.ms))),
      idleRssMb: median(runs[kind].map((run) => run.idleRssMb)),
    },
  ]),
) as Record<Kind, { ms: number; idleRssMb: number }>;
const misses: string[] = [];
if (figures.sluice.ms >= GOAL_MS) misses.push(`healthy in ${figures.sluice.ms} ms`);
if (figures.sluice.idleRssMb >= IDLE_GOAL_MB) misses.push(`idle RSS ${figures.sluice.idleRssMb} MB`);
console.log(`${'server'.padEnd(8)} ${'healthy ms'.padStart(10)} ${'idle RSS MB'.padStart(12)}`);
for (const kind of ['sluice', 'ceiling'] as const)
  console.log(
    `${kind.padEnd(8)} ${String(figures[kind].ms).padStart(10)} ${String(figures[kind].idleRssMb).padStart(12)}`,
  );
console.log(
  `goals: healthy < ${GOAL_MS} ms, idle RSS < ${IDLE_GOAL_MB} MB: ` +
    (misses.length ? `not met (${misses.join('; ')})` : 'met'),
);
console.log(JSON.stringify({ bench: 'startup', runs: RUNS, ...figures }));
