/**
 * Small timing helpers shared by the benchmarks: warm up, then count operations for a while.
 * Operations are counted per second of this process's CPU time (user and system), not of the
 * wall clock: on a machine shared with other work, time spent waiting for a core is not counted
 * against whichever case happened to run then.
 */
export interface Figure {
  opsPerSec: number;
}

const WARMUP_MS = 150;
const SLICE_MS = 100;
const ROUNDS = 4;

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

let compiled = 0;

/**
 * Source text no other loop has: V8 caches what `new Function` compiles by its source, so two
 * loops of the same text would share one function, and its call sites the feedback of every case.
 */
export function apart(source: string): string {
  return `// loop ${++compiled}\n${source}`;
}

/** What one library did in one slice of a case. */
export interface Slice {
  ops: number;
  cpuMs: number;
}

/** One library's loop for a case: runs for about `ms` of wall time. */
export type Loop = (ms: number) => Slice | Promise<Slice>;

/**
 * Each case gets a loop compiled for it alone, so that the call inside the loop sees one function
 * and the optimiser treats every library alike (a shared loop would turn megamorphic and slow
 * down whichever case runs later). The result is kept so the work cannot be dropped.
 */
export function syncLoop(run: () => unknown): Loop {
  return new Function(
    'run',
    'cpuMs',
    apart(`let sink;
    return function spin(ms) {
      let ops = 0;
      const start = performance.now();
      const cpuStart = cpuMs();
      while (performance.now() - start < ms) {
        for (let i = 0; i < 1000; i++) sink = run();
        ops += 1000;
      }
      if (sink === spin) throw new Error('unreachable');
      return { ops, cpuMs: cpuMs() - cpuStart };
    };`),
  )(run, cpuMs);
}

/** Like `syncLoop`, awaiting each operation, and `settle` (when given) after every hundred. */
export function asyncLoop(run: () => Promise<unknown>, settle?: () => Promise<unknown>): Loop {
  return new Function(
    'run',
    'settle',
    'cpuMs',
    apart(`return async function spin(ms) {
      let ops = 0;
      const start = performance.now();
      const cpuStart = cpuMs();
      while (performance.now() - start < ms) {
        for (let i = 0; i < 100; i++) await run();
        if (settle) await settle();
        ops += 100;
      }
      return { ops, cpuMs: cpuMs() - cpuStart };
    };`),
  )(run, settle, cpuMs);
}

/**
 * Measures the libraries of one case side by side: each loop is warmed up, then they take turns
 * in short slices, the order reversed every round, so that a burst of load from elsewhere, or
 * garbage one library leaves for the collector, falls on all of them alike.
 */
export async function compare(loops: Record<string, Loop>): Promise<Record<string, Figure>> {
  const names = Object.keys(loops);
  const totals = new Map(names.map((name) => [name, { ops: 0, cpuMs: 0 }]));
  for (const name of names) await loops[name]!(WARMUP_MS);
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of round % 2 === 0 ? names : [...names].reverse()) {
      const slice = await loops[name]!(SLICE_MS);
      const total = totals.get(name)!;
      total.ops += slice.ops;
      total.cpuMs += slice.cpuMs;
    }
  }
  return Object.fromEntries(
    names.map((name) => {
      const { ops, cpuMs: spent } = totals.get(name)!;
      return [name, { opsPerSec: Math.round(ops / (spent / 1000)) }];
    }),
  );
}
