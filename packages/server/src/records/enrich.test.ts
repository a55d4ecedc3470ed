import { createHooks, HookError, OperationSkipped } from '@sluice/hooks';
import { describe, expect, it } from 'vitest';
import type { App } from '../app/types.ts';
import { normalizeCollection } from '../collections/schema.ts';
import type { RecordData } from '../collections/types.ts';
import { guest, type HookContext } from '../context.ts';
import { enrichRecords } from './enrich.ts';

const posts = normalizeCollection({ name: 'posts', fields: [{ name: 'title', type: 'text' }] });
const ctx = { accountability: guest, emitEvents: true } as HookContext;
const records = (): RecordData[] =>
  ['a', 'b', 'c'].map((id) => ({ collectionId: posts.id, collectionName: 'posts', id }) as RecordData);

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function appWith(handler: (record: RecordData) => unknown): App {
  const hooks = createHooks({ logger: quiet });
  hooks.filter('records.enrich', handler);
  return { hooks } as unknown as App;
}

describe('enrichRecords', () => {
  it('answers at once while the handlers are synchronous', () => {
    const app = appWith((record) => ({ ...record, seen: true }));
    const enriched = enrichRecords(app, posts, records(), 'list', ctx);
    expect(enriched).not.toBeInstanceOf(Promise);
    expect((enriched as RecordData[]).map((record) => record.seen)).toEqual([true, true, true]);
  });

  it('waits from the first handler that returns a promise on, in order', async () => {
    const app = appWith((record) =>
      record.id === 'b' ? Promise.resolve({ ...record, late: true }) : { ...record, late: false },
    );
    const enriched = await enrichRecords(app, posts, records(), 'list', ctx);
    expect(enriched.map((record) => [record.id, record.late])).toEqual([
      ['a', false],
      ['b', true],
      ['c', false],
    ]);
  });

  it('sends a record as it was when its handler skips it, and fails on any other error', async () => {
    const skipping = appWith((record) => {
      if (record.id === 'a') throw new OperationSkipped();
      return record.id === 'b' ? Promise.reject(new OperationSkipped()) : { ...record, kept: true };
    });
    const enriched = await enrichRecords(skipping, posts, records(), 'list', ctx);
    expect(enriched.map((record) => record.kept)).toEqual([undefined, undefined, true]);
    const failing = appWith(() => {
      throw new Error('broken');
    });
    expect(() => enrichRecords(failing, posts, records(), 'list', ctx)).toThrow(HookError);
  });
});
