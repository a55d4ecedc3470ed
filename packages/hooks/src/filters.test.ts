import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHooks } from './hooks.ts';
import type { Logger } from './logger.ts';

function recordingLogger() {
  const warnings: Array<{ elapsedMs?: number }> = [];
  const errors: string[] = [];
  const logger: Logger = {
    debug() {},
    info() {},
    warn: (details) => void warnings.push(details),
    error: (_, message) => void errors.push(message),
  };
  return { logger, warnings, errors };
}

describe('an async filter chain after the process idled', () => {
  afterEach(() => vi.useRealTimers());

  it('gets its whole timeout, and a slow warning tells how long its handler really ran', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'clearInterval', 'performance'] });
    const { logger, warnings, errors } = recordingLogger();
    const hooks = createHooks({ logger, warnMs: 500, timeoutMs: 30_000 });
    hooks.filter('records.create', () => new Promise((resolve) => setTimeout(resolve, 2_000, { n: 1 })));
    const run = () => {
      const outcome: { value?: unknown; error?: unknown } = {};
      Promise.resolve(hooks.runFilter('records.create', { n: 0 }, {})).then(
        (value) => {
          outcome.value = value;
        },
        (error) => {
          outcome.error = error;
        },
      );
      return outcome;
    };

    const first = run();
    await vi.advanceTimersByTimeAsync(2_100);
    expect(first).toEqual({ value: { n: 1 } });
    await vi.advanceTimersByTimeAsync(35_000);
    warnings.length = 0;

    const second = run();
    await vi.advanceTimersByTimeAsync(1_900);
    expect(second).toEqual({});
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.elapsedMs).toBeLessThan(1_900);
    await vi.advanceTimersByTimeAsync(200);
    expect(second).toEqual({ value: { n: 1 } });
    expect(errors).toEqual([]);
  });
});
