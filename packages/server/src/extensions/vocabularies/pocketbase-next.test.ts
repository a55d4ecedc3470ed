import { EventUnavailableError } from '@sluice/hooks';
import { describe, expect, it } from 'vitest';
import { setupHooks } from '../testing.ts';
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
