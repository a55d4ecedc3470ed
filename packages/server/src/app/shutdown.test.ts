import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Shutdown } from './shutdown.ts';

function recordingLogger() {
  const warnings: unknown[] = [];
  const errors: unknown[] = [];
  const logger = {
    warn: (details: object) => void warnings.push(details),
    error: (details: object) => void errors.push(details),
  };
  return { logger, warnings, errors };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Shutdown', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => vi.useRealTimers());

  it('gives each step what is left of one deadline and ends by it, whatever hangs', async () => {
    const { logger, warnings } = recordingLogger();
    const shutdown = new Shutdown(100, logger);
    const ran: string[] = [];
    let ended = false;
    void (async () => {
      await shutdown.step('a quick step', () => wait(30).then(() => ran.push('quick')));
      await shutdown.step('a hanging step', () => new Promise(() => ran.push('hanging')));
      await shutdown.step('an immediate step', () => ran.push('immediate'));
      await shutdown.step('a step that needs time', () => wait(10).then(() => ran.push('too late')));
      shutdown.finish();
      ended = true;
    })();

    await vi.advanceTimersByTimeAsync(99);
    expect(ended).toBe(false);
    // the last step, given nothing, is still waited on for one timer: Node's minimum of 1 ms
    await vi.advanceTimersByTimeAsync(2);
    expect(ended).toBe(true);
    expect(ran).toEqual(['quick', 'hanging', 'immediate']);
    expect(warnings).toEqual([
      { step: 'a hanging step', givenMs: 70 },
      { step: 'a step that needs time', givenMs: 0 },
    ]);
  });

  it('runs every step when one fails, then throws the first failure', async () => {
    const { logger, errors } = recordingLogger();
    const shutdown = new Shutdown(100, logger);
    const failure = new Error('terminate hook failed');
    const ran: string[] = [];
    await shutdown.step('app.terminate', () => {
      throw failure;
    });
    await shutdown.step('closing the database', () => ran.push('closed'));
    expect(ran).toEqual(['closed']);
    expect(errors).toEqual([{ step: 'app.terminate', err: failure }]);
    expect(() => shutdown.finish()).toThrow(failure);
  });
});
