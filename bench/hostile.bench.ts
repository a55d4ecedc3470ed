/**
 * What hostile or slow requests cost everyone else, each beside the same figure at rest, against
 * Sluice on SQLite (`hostile-server.ts`, a child process):
 *
 * - `expansion`: a guest list whose filter `@request.query.a ?= @request.query.b || …` meets
 *   1,400 values of `a` and of `b` (11 KB of query): the time to its answer, its status and the
 *   server's peak RSS, beside a plain filtered list.
 * - `join`: a guest filter joining `big` (2,000 rows) to itself twice: the time to its answer
 *   and how long `/api/health`, sent meanwhile, waits — beside `/api/health` at rest.
 * - `flood`: 500 concurrent creates whose filter waits 2 s (an outside service): how many
 *   succeed, how many get 503, writes per second; and an unrelated create meanwhile, beside the
 *   same create at rest.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Answer, Ready, Request } from './hostile-server.ts';

const FLOOD = 500;
const here = dirname(fileURLToPath(import.meta.url));

const child: ChildProcess = fork(join(here, 'hostile-server.ts'), [], {
  execArgv: ['--import', 'tsx'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const pending = new Map<number, (answer: Answer) => void>();
let url = '';
await new Promise<void>((resolve) => {
  child.on('message', (message: Ready | Answer) => {
    if ('ready' in message) {
      url = message.url;
      resolve();
    } else pending.get(message.id)?.(message);
  });
});
let next = 1;
const ask = (cmd: Request['cmd']) =>
  new Promise<Answer>((resolve) => {
    const id = next++;
    pending.set(id, resolve);
    child.send({ id, cmd } satisfies Request);
  });

async function timed(path: string, init?: RequestInit): Promise<{ ms: number; status: number }> {
  const started = performance.now();
  const response = await fetch(`${url}${path}`, init);
  await response.arrayBuffer();
  return { ms: Math.round(performance.now() - started), status: response.status };
}

const create = (collection: string) =>
  timed(`/api/collections/${collection}/records`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'x' }),
  });

const list = (filter: string, extra = '') =>
  `/api/collections/big/records?filter=${encodeURIComponent(filter)}${extra}`;

// expansion
const plain = await timed(list('n = 7'));
await ask('resetPeak');
const repeated = `${'&a=1'.repeat(1400)}${'&b=2'.repeat(1400)}`;
const expansion = await timed(
  list('@request.query.a ?= @request.query.b || @request.query.a ?= @request.query.b || n = 1', repeated),
);
const expansionPeak = (await ask('peak')).peakRssMb;
console.log(
  `expansion: ${expansion.status} in ${expansion.ms} ms (plain list ${plain.ms} ms), peak RSS ${expansionPeak} MB`,
);

// join
const healthAtRest = await timed('/api/health');
const costly = timed(list("@collection.big:a.n != n && @collection.big:b.title ~ 'zzz'"));
await new Promise((resolve) => setTimeout(resolve, 50));
const healthMeanwhile = await timed('/api/health');
const join_ = await costly;
console.log(
  `join: ${join_.status} in ${join_.ms} ms; /api/health meanwhile ${healthMeanwhile.ms} ms (at rest ${healthAtRest.ms} ms)`,
);

// flood
const createAtRest = await create('fast');
const started = performance.now();
const flood = Array.from({ length: FLOOD }, () => create('slow'));
await new Promise((resolve) => setTimeout(resolve, 200));
const createMeanwhile = await create('fast');
const answers = await Promise.all(flood);
const seconds = (performance.now() - started) / 1000;
const ok = answers.filter((answer) => answer.status === 200).length;
const refused = answers.filter((answer) => answer.status === 503).length;
console.log(
  `flood: ${ok} created, ${refused} refused (503) of ${FLOOD} in ${seconds.toFixed(1)} s; an unrelated create meanwhile ${createMeanwhile.ms} ms (at rest ${createAtRest.ms} ms)`,
);

await ask('stop');
console.log(
  JSON.stringify({
    bench: 'hostile',
    expansion: { status: expansion.status, ms: expansion.ms, plainMs: plain.ms, peakRssMb: expansionPeak },
    join: {
      status: join_.status,
      ms: join_.ms,
      healthMs: healthMeanwhile.ms,
      healthAtRestMs: healthAtRest.ms,
    },
    flood: {
      created: ok,
      refused,
      other: FLOOD - ok - refused,
      writesPerSecond: Math.round(ok / seconds),
      otherCreateMs: createMeanwhile.ms,
      otherCreateAtRestMs: createAtRest.ms,
    },
  }),
);
