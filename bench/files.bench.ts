/**
 * Record files over HTTP: downloads of a 1 MB file and of a cached thumb, against Sluice (SQLite,
 * local storage) and against the ceiling — bare Fastify streaming the same stored bytes from disk;
 * and uploads of 100 KB files (a record create with one file, multipart as the SDK sends it). The
 * servers run in child processes (`files-server.ts`) so that autocannon, here, has the other core;
 * each download case runs both servers in alternating slices so that drift falls on both alike.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type AutocannonOptions } from 'autocannon';
import { COLLECTION, type Ready } from './files-server.ts';

const CONNECTIONS = 10;
const WARMUP_S = 1;
const SLICE_S = 0.5;
const ROUNDS = 8;
const UPLOAD_S = 3;
const GOAL = 0.8;

const here = dirname(fileURLToPath(import.meta.url));

function start(args: string[]): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = fork(join(here, 'files-server.ts'), args, {
    execArgv: ['--import', 'tsx'],
    stdio: 'inherit',
  });
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`The ${args[0]} server exited (${code}).`));
    child.once('exit', onExit);
    child.once('message', (ready: Ready) => {
      child.off('exit', onExit);
      resolve({ child, ready });
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.send('stop');
  });
}

/** Requests per second over `seconds`; throws on any error or non-2xx answer. */
function drive(options: Omit<AutocannonOptions, 'duration'>, seconds: number): Promise<number> {
  let ok = 0;
  let failed = 0;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { ...options, connections: CONNECTIONS, duration: seconds },
      (error, result) => {
        if (error) return reject(error);
        if (failed > 0 || result.errors > 0 || result.timeouts > 0) {
          return reject(new Error(`${options.url}: ${failed} answers not 2xx, ${result.errors} errors`));
        }
        resolve(ok / ((performance.now() - started) / 1000));
      },
    );
    instance.on('response', (_client: unknown, status: number) => {
      if (status >= 200 && status < 300) ok++;
      else failed++;
    });
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return Math.round(sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2);
};

const sluice = await start(['sluice']);
const ceiling = await start(['ceiling', sluice.ready.bigFile!, sluice.ready.thumbFile!]);
console.log(
  `files: ${CONNECTIONS} connections; per download case ${WARMUP_S} s warm-up per server, then ${ROUNDS} ` +
    `alternating slices of ${SLICE_S} s each (req/s is the median slice); uploads for ${UPLOAD_S} s\n`,
);

const cases: { case: string; sluiceRps: number; ceilingRps: number; share: number }[] = [];
for (const name of ['big', 'thumb'] as const) {
  const targets = [sluice, ceiling].map(({ ready }) => ({ url: `${ready.url}${ready[name]}` }));
  for (const target of targets) await drive(target, WARMUP_S);
  const rates: [number[], number[]] = [[], []];
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    for (const index of order) rates[index].push(await drive(targets[index], SLICE_S));
  }
  const [sluiceRps, ceilingRps] = rates.map(median);
  cases.push({
    case: name === 'big' ? 'download 1 MB' : 'cached thumb',
    sluiceRps,
    ceilingRps,
    share: sluiceRps / ceilingRps,
  });
}

const form = new FormData();
form.append('title', 'upload');
form.append('document', new File([new Uint8Array(randomBytes(100 * 1024))], 'upload.bin'));
const encoded = new Request('http://127.0.0.1/', { method: 'POST', body: form });
const uploadRps = Math.round(
  await drive(
    {
      url: `${sluice.ready.url}/api/collections/${COLLECTION}/records`,
      method: 'POST',
      headers: { 'content-type': encoded.headers.get('content-type')! },
      body: Buffer.from(await encoded.arrayBuffer()),
    },
    UPLOAD_S,
  ),
);

await Promise.all([stop(sluice.child), stop(ceiling.child)]);

const percent = (value: number) => `${(value * 100).toFixed(1)} %`;
console.log(
  `${'case'.padEnd(14)} ${'sluice req/s'.padStart(12)} ${'ceiling req/s'.padStart(13)} ${'share'.padStart(8)}`,
);
for (const entry of cases) {
  console.log(
    `${entry.case.padEnd(14)} ${entry.sluiceRps.toLocaleString('en').padStart(12)} ` +
      `${entry.ceilingRps.toLocaleString('en').padStart(13)} ${percent(entry.share).padStart(8)}`,
  );
}
console.log(`${'upload 100 KB'.padEnd(14)} ${uploadRps.toLocaleString('en').padStart(12)}`);
const misses = cases
  .filter((entry) => entry.share < GOAL)
  .map((entry) => `${entry.case} at ${percent(entry.share)}`);
console.log(
  `goal: downloads >= ${GOAL * 100} % of the ceiling: ${misses.length ? `not met (${misses.join('; ')})` : 'met'}`,
);
console.log(
  JSON.stringify({
    bench: 'files',
    cases: cases.map((entry) => ({ ...entry, share: Math.round(entry.share * 1000) / 1000 })),
    uploadRps,
  }),
);
