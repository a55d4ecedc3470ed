/** Small timing helpers shared by the benchmarks: warm up, then count operations for a while. */
export interface Figure {
  opsPerSec: number;
}

const WARMUP_MS = 150;
const MEASURE_MS = 400;

/**
 * Each case gets a loop compiled for it alone, so that the call inside the loop sees one function
 * and the optimiser treats every library alike (a shared loop would turn megamorphic and slow
 * down whichever case runs later). The result is kept so the work cannot be dropped.
 */
function compileSpin(run: () => unknown): (ms: number) => number {
  return new Function(
    'run',
    `let sink;
    return function spin(ms) {
      let ops = 0;
      const start = performance.now();
      let now = start;
      while (now - start < ms) {
        for (let i = 0; i < 1000; i++) sink = run();
        ops += 1000;
        now = performance.now();
      }
      if (sink === spin) throw new Error('unreachable');
      return ops / ((now - start) / 1000);
    };`,
  )(run);
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
  const spin = async (ms: number) => {
    let ops = 0;
    const start = performance.now();
    let now = start;
    while (now - start < ms) {
      for (let i = 0; i < 100; i++) await run();
      if (settle) await settle();
      ops += 100;
      now = performance.now();
    }
    return ops / ((now - start) / 1000);
  };
  await spin(WARMUP_MS);
  return { opsPerSec: Math.round(await spin(MEASURE_MS)) };
}
