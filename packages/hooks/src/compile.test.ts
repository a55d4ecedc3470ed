import { describe, expect, it, vi } from 'vitest';
import { compileChain } from './compile.ts';
import type { Registration } from './registry.ts';
import { FilterStopped } from './stopped.ts';

function registration(handler: Function, tags: string[] | null = null): Registration {
  return {
    id: 1,
    kind: 'filter',
    pattern: 'x.y',
    compiled: ['x', 'y'],
    tags,
    priority: 0,
    owner: 'test',
    handler,
    mayBeAsync: false,
  };
}

const neverAsync = () => {
  throw new Error('unexpected promise');
};
const rethrow = (error: unknown) => error;

describe('compileChain', () => {
  it('threads the payload through each handler, skipping those whose tags the event lacks', () => {
    const chain = compileChain(
      [
        registration((p: number) => p + 1),
        registration((p: number) => p * 10, ['other']),
        registration((p: number) => p * 2, ['posts']),
      ],
      neverAsync,
      rethrow,
    );
    expect(chain(1, {}, {}, ['posts'], false)).toBe(4);
    expect(chain(1, {}, {}, undefined, false)).toBe(2);
  });

  it('stops on false, keeping the payload as it was then', () => {
    const after = vi.fn();
    const chain = compileChain([registration(() => false), registration(after)], neverAsync, rethrow);
    const outcome = chain('kept', {}, {}, undefined, false);
    expect(outcome).toEqual(new FilterStopped('kept'));
    expect(after).not.toHaveBeenCalled();
  });

  it('hands over to the continuation at the first promise, with its index', () => {
    const proceed = vi.fn(() => 'continued');
    const pending = Promise.resolve(3);
    const chain = compileChain(
      [registration((p: number) => p + 1), registration(() => pending)],
      proceed,
      rethrow,
    );
    expect(chain(1, 'meta', 'ctx', ['t'], true)).toBe('continued');
    expect(proceed).toHaveBeenCalledWith(1, pending, 2, 'meta', 'ctx', ['t'], true);
  });

  it('reports a throw with the index of the handler that threw', () => {
    const wrap = vi.fn((error: unknown, index: number) => new Error(`${index}:${(error as Error).message}`));
    const chain = compileChain(
      [
        registration((p: number) => p),
        registration(() => {
          throw new Error('boom');
        }),
      ],
      neverAsync,
      wrap,
    );
    expect(() => chain(1, {}, {}, undefined, false)).toThrow('1:boom');
  });
});
