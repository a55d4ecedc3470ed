import { createHooks } from '@sluice/hooks';
import { describe, expect, it } from 'vitest';
import { INTERNAL_OWNER } from '../context.ts';
import { filtersMayNestTransactions } from './transaction.ts';

describe('filtersMayNestTransactions', () => {
  it("holds once an app's or extension's filter or around handler is registered, and only while it is", () => {
    const hooks = createHooks();
    const mayNest = filtersMayNestTransactions(hooks);
    hooks.filter('records.delete', (payload) => payload, { owner: 'system:realtime' });
    hooks.filter('settings.update', (payload) => payload, { owner: INTERNAL_OWNER });
    hooks.action('records.create', () => {}, { owner: 'my-extension' });
    expect(mayNest()).toBe(false);
    const off = hooks.filter('records.create', (payload) => payload, { owner: 'my-extension' });
    expect(mayNest()).toBe(true);
    off();
    expect(mayNest()).toBe(false);
    hooks.around('records.create', (_payload, _meta, _ctx, next) => next(), { owner: 'app' });
    expect(mayNest()).toBe(true);
  });
});
