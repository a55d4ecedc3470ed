import { afterEach, describe, expect, it } from 'vitest';
import { type BlockingWorker, blockingWorker } from './worker.ts';

const workers: BlockingWorker<unknown, unknown>[] = [];
afterEach(async () => {
  for (const worker of workers.splice(0)) await worker.close();
});

function make<Request, Value>(source: string, data?: Record<string, unknown>) {
  const worker = blockingWorker<Request, Value>(source, data);
  workers.push(worker as BlockingWorker<unknown, unknown>);
  return worker;
}

describe('blockingWorker', () => {
  it('answers an asynchronous computation synchronously, in order', () => {
    const worker = make<{ n: number; wait: number }, number>(
      'return (r) => new Promise((resolve) => setTimeout(() => resolve(r.n * 2), r.wait));',
    );
    let timerRan = false;
    setTimeout(() => {
      timerRan = true;
    }, 0);
    expect(worker.call({ n: 21, wait: 30 }, 5000)).toBe(42);
    expect(worker.call({ n: 5, wait: 0 }, 5000)).toBe(10);
    // the calling thread was blocked: its own timers did not run meanwhile
    expect(timerRan).toBe(false);
  });

  it('throws the worker’s error with its message and code', () => {
    const worker = make<string, never>(
      'return async (m) => { throw Object.assign(new Error(m), { code: "E_TEST" }); };',
    );
    expect(() => worker.call('it broke', 5000)).toThrow(
      expect.objectContaining({ message: 'it broke', code: 'E_TEST' }),
    );
  });

  it('gives up after the timeout and drops the late answer', () => {
    const worker = make<{ wait: number; v: string }, string>(
      'return (r) => new Promise((resolve) => setTimeout(() => resolve(r.v), r.wait));',
    );
    expect(() => worker.call({ wait: 400, v: 'late' }, 50)).toThrow(
      expect.objectContaining({ code: 'ETIMEDOUT' }),
    );
    expect(worker.call({ wait: 500, v: 'next' }, 5000)).toBe('next');
  });

  it('passes data to the worker', () => {
    const worker = make<null, string>('const { greeting } = workerData; return async () => greeting;', {
      greeting: 'hello',
    });
    expect(worker.call(null, 5000)).toBe('hello');
  });
});
