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
const MEASURE_MS = 400;

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

/**
 * Each case gets a loop compiled for it alone, so that the call inside the loop sees one function
 * and the optimiser treats every library alike (a shared loop would turn megamorphic and slow
 * down whichever case runs later). The result is kept so the work cannot be dropped.
 */
function compileSpin(run: () => unknown): (ms: number) => number {
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
      const cpu = cpuMs() - cpuStart;
      if (sink === spin) throw new Error('unreachable');
      return ops / (cpu / 1000);
    };`),
  )(run, cpuMs);
}

export function measureSync(run: () => unknown): Figure {
  const spin = compileSpin(run);
  spin(WARMUP_MS);
  return { opsPerSec: Math.round(spin(MEASURE_MS)) };
}

export async function measureAsync(
  run: () => Promise<unknown>,
  settle?: () => Promise<unknown>,
): Promise<Figure> {
  const spin: (ms: number) => Promise<number> = new Function(
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
      return ops / ((cpuMs() - cpuStart) / 1000);
    };`),
  )(run, settle, cpuMs);
  await spin(WARMUP_MS);
  return { opsPerSec: Math.round(await spin(MEASURE_MS)) };
}
