import { EventUnavailableError, OperationSkipped } from '@sluice/hooks';
import { describe, expect, it } from 'vitest';
import { handlerContext, recordEvent, runFilter, setupHooks } from '../testing.ts';
import { pocketbase } from './pocketbase.ts';
import { POCKETBASE_NEXT } from './pocketbase-next.ts';

describe('PocketBase ≥ 0.23 names', () => {
  it('each stands for a hook of the catalogue, registered with the kind its name implies', () => {
    const { hooks, vocabularyContext } = setupHooks();
    const unavailable: string[] = [];
    for (const [name, { mode }] of Object.entries(POCKETBASE_NEXT)) {
      try {
        pocketbase(vocabularyContext(name))[name]!(() => {});
      } catch (error) {
        if (!(error instanceof EventUnavailableError)) throw error;
        unavailable.push(name);
        continue;
      }
      const kinds = new Set(
        hooks
          .registrations()
          .filter((registration) => registration.owner === name)
          .map((registration) => registration.kind),
      );
      expect([name, [...kinds]]).toEqual([name, [mode]]);
    }
    // only names whose feature the catalogue marks missing may fail, and they fail clearly
    expect(unavailable.length).toBeLessThan(Object.keys(POCKETBASE_NEXT).length / 4);
  });
});

describe('PocketBase ≥ 0.23 handlers that do not call e.next()', () => {
  it('abort the operation, carrying the response the handler wrote', async () => {
    const { hooks, vocabularyContext } = setupHooks();
    const { onRecordCreateRequest } = pocketbase(vocabularyContext());
    onRecordCreateRequest!((e) => {
      const title = e.record?.get('title');
      if (title === 'answered') return e.json(202, { answered: true });
      if (title === 'async') return Promise.resolve().then(() => e.string(409, 'no'));
      if (title === 'silent') return;
      return e.next();
    }, 'articles');
    const { tags, meta } = recordEvent('articles', 'create');
    const skipped = async (title: string) => {
      try {
        await runFilter(hooks, 'records.create', { title }, meta, handlerContext(), tags);
      } catch (error) {
        return error;
      }
      return undefined;
    };
    const answered = await skipped('answered');
    expect(answered).toBeInstanceOf(OperationSkipped);
    expect((answered as OperationSkipped).response).toEqual({
      status: 202,
      body: '{"answered":true}',
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect((await skipped('async')) as OperationSkipped).toMatchObject({
      response: { status: 409, body: 'no' },
    });
    const silent = await skipped('silent');
    expect(silent).toBeInstanceOf(OperationSkipped);
    expect((silent as OperationSkipped).response).toBeUndefined();
    expect(await skipped('kept')).toBeUndefined();
  });
});
