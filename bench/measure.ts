/** Small timing helpers shared by the benchmarks: warm up, then count operations for a while. */
export interface Figure {
  opsPerSec: number;
}

const WARMUP_MS = 150;
const MEASURE_MS = 400;

/** Keeps results alive so the optimiser cannot drop the work being measured. */
export let sink: unknown;

export function measureSync(run: () => unknown): Figure {
  const spin = (ms: number) => {
    let ops = 0;
    const start = performance.now();
    let now = start;
    while (now - start < ms) {
      for (let i = 0; i < 1000; i++) sink = run();
      ops += 1000;
      now = performance.now();
    }
    return ops / ((now - start) / 1000);
  };
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
