import { describe, expect, it } from 'vitest';
import { currentWrites, type HandlerWrites, PendingWrite, trackWrites } from './pocketbase-writes.ts';

const later = <T>(value: T, ms = 5) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));
const failing = (message: string, ms = 5) =>
  new Promise<never>((_, reject) => setTimeout(() => reject(new Error(message)), ms));

describe('writes a hook file handler starts', () => {
  it('passes a result on as it is when the handler started no write', () => {
    expect(trackWrites(() => 'same')).toBe('same');
    expect(() =>
      trackWrites(() => {
        throw new Error('sync');
      }),
    ).toThrow('sync');
  });

  it('starts the first write at once, the next ones in order, and finishes the handler after them', async () => {
    const order: string[] = [];
    const result = trackWrites(() => {
      const writes = currentWritesOrThrow();
      writes.start(async () => {
        order.push('first started');
        await later(null, 20);
        order.push('first done');
      });
      expect(order).toEqual(['first started']);
      writes.start(async () => {
        order.push('second started');
      });
      return 'returned';
    });
    expect(result).toBeInstanceOf(Promise);
    expect(order).toEqual(['first started']);
    await expect(result).resolves.toBe('returned');
    expect(order).toEqual(['first started', 'first done', 'second started']);
    expect(currentWrites()).toBeUndefined();
  });

  it('fails the handler with a write nobody awaited, and skips the writes called after it', async () => {
    const { trackWritesWith, made } = harness();
    const result = trackWritesWith((start) => {
      start(() => failing('first failed'));
      start(async () => {
        made.push('second');
      });
      return 'returned';
    });
    await expect(result).rejects.toThrow('first failed');
    expect(made).toEqual([]);
  });

  it('leaves a failure the handler awaited and caught to the handler', async () => {
    const { trackWritesWith, made } = harness();
    const result = trackWritesWith(async (start) => {
      try {
        await start(() => failing('handled'));
      } catch {
        made.push('caught');
      }
      start(async () => {
        made.push('after');
      });
      return 'fine';
    });
    await expect(result).resolves.toBe('fine');
    expect(made).toEqual(['caught', 'after']);
  });

  it('waits for the writes of a handler that throws, and throws its own error', async () => {
    const { trackWritesWith, made } = harness();
    const result = trackWritesWith((start) => {
      start(async () => {
        await later(null, 10);
        made.push('written');
      });
      throw new Error('handler failed');
    });
    await expect(result).rejects.toThrow('handler failed');
    expect(made).toEqual(['written']);
  });

  it('makes a pending write awaitable like a promise', async () => {
    const pending = new PendingWrite(later(7));
    expect(pending.observed).toBe(false);
    expect(await pending).toBe(7);
    expect(pending.observed).toBe(true);
  });
});

/** trackWrites with a `start` that records writes in the tracked handler's writes. */
function harness() {
  const made: string[] = [];
  const trackWritesWith = (
    handler: (start: (write: () => Promise<unknown>) => PromiseLike<unknown>) => unknown,
  ) => Promise.resolve(trackWrites(() => handler((write) => currentWritesOrThrow().start(write))));
  return { trackWritesWith, made };
}

function currentWritesOrThrow(): HandlerWrites {
  const writes = currentWrites();
  if (!writes) throw new Error('No handler is running.');
  return writes;
}
