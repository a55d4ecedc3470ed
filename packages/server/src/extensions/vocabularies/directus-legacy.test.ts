import { EventUnavailableError, exceptions, UnknownEventError } from '@sluice/hooks';
import { describe, expect, it } from 'vitest';
import { handlerContext, recordEvent, runFilter, setupHooks } from '../testing.ts';
import { directusLegacy, parseLegacyKey } from './directus-legacy.ts';

describe('directus-legacy vocabulary (an object of keys)', () => {
  it('reads <context>.<action>.<collection>[.before] in either order, with item. and *', () => {
    const { catalogue } = setupHooks();
    expect(parseLegacyKey('items.update.articles.before', catalogue)).toEqual({
      context: 'items',
      action: 'update',
      collection: 'articles',
      before: true,
    });
    expect(parseLegacyKey('item.recipes.create.before', catalogue)).toMatchObject({
      action: 'create',
      collection: 'recipes',
      before: true,
    });
    expect(parseLegacyKey('item.create.articles', catalogue)).toMatchObject({
      action: 'create',
      collection: 'articles',
    });
    expect(parseLegacyKey('item.*.*', catalogue)).toMatchObject({ action: '*', collection: undefined });
    expect(parseLegacyKey('server.start', catalogue)).toMatchObject({ context: 'server', action: 'start' });
    expect(() => parseLegacyKey('item.recipes.articles', catalogue)).toThrow(UnknownEventError);
  });

  it('runs item.*.* after every item action with one context argument', async () => {
    const { hooks, vocabularyContext } = setupHooks();
    const seen: any[] = [];
    directusLegacy(vocabularyContext()).register({ 'item.*.*': (context) => void seen.push(context) });
    expect(hooks.registrations().every((registration) => registration.kind === 'action')).toBe(true);
    const { meta, tags } = recordEvent('articles', 'update', { payload: { title: 'New' }, keys: ['a1'] });
    const ctx = handlerContext({ user: 'u1' });
    hooks.runAction('records.update', meta, ctx, tags);
    await hooks.drain();
    expect(seen).toEqual([
      expect.objectContaining({
        event: 'items.update.articles',
        accountability: ctx.accountability,
        collection: 'articles',
        item: ['a1'],
        action: 'update',
        payload: { title: 'New' },
      }),
    ]);
  });

  it('lets a .before hook change the payload as the document shows (input[0] … return input)', async () => {
    const { hooks, vocabularyContext } = setupHooks();
    directusLegacy(vocabularyContext()).register({
      'item.recipes.create.before': async (input) => {
        input[0].syncedWithExample = true;
        return input;
      },
      'items.create.recipes.before': ({ payload, collection, action }) => {
        payload[0].seenBy = `${collection}:${action}`;
      },
    });
    const recipes = recordEvent('recipes', 'create');
    const articles = recordEvent('articles', 'create');
    expect(
      await runFilter(
        hooks,
        'records.create',
        { title: 'Soup' },
        recipes.meta,
        handlerContext(),
        recipes.tags,
      ),
    ).toEqual({
      title: 'Soup',
      syncedWithExample: true,
      seenBy: 'recipes:create',
    });
    expect(
      await runFilter(
        hooks,
        'records.create',
        { title: 'News' },
        articles.meta,
        handlerContext(),
        articles.tags,
      ),
    ).toEqual({
      title: 'News',
    });
  });

  it('passes the keys to items.delete.before and aborts with a typed error when one throws', async () => {
    const { hooks, vocabularyContext } = setupHooks();
    const { ServiceUnavailableException } = exceptions;
    directusLegacy(vocabularyContext()).register({
      'items.delete.before': (keys) => keys.filter((key: string) => key !== 'keep'),
      'items.create.before': () => {
        throw new ServiceUnavailableException(new Error('recipes service down'));
      },
    });
    const deletion = recordEvent('articles', 'delete');
    expect(
      await runFilter(hooks, 'records.delete', ['a', 'keep'], deletion.meta, handlerContext(), deletion.tags),
    ).toEqual(['a']);
    const creation = recordEvent('articles', 'create');
    await expect(
      runFilter(hooks, 'records.create', {}, creation.meta, handlerContext(), creation.tags),
    ).rejects.toMatchObject({
      status: 503,
    });
  });

  it('maps the server and auth contexts', async () => {
    const { hooks, vocabularyContext } = setupHooks();
    const seen: string[] = [];
    directusLegacy(vocabularyContext()).register({
      'server.start': ({ event }) => void seen.push(event),
      'auth.success': ({ event }) => void seen.push(event),
    });
    expect(hooks.registrations().map((registration) => registration.event)).toEqual([
      'server.start',
      'auth.login',
    ]);
    hooks.runAction('server.start', { server: {} });
    await hooks.drain();
    expect(seen).toEqual(['server.start']);
  });

  it('registers nothing when one key is wrong', () => {
    const { hooks, vocabularyContext } = setupHooks();
    expect(() =>
      directusLegacy(vocabularyContext()).register({
        'items.create': () => {},
        'server.start.before': () => {},
      }),
    ).toThrow(UnknownEventError);
    expect(hooks.registrations()).toEqual([]);
  });

  it('refuses a key of a feature that does not exist yet, naming the key and the feature', () => {
    const unbuilt = (action: string) => ({
      name: `samples.${action}`,
      kinds: ['filter', 'action'] as const,
      description: 'An event of a feature not built.',
      missingFeature: 'samples',
      aliases: { 'directus-legacy': [`samples.${action}`] },
    });
    const { hooks, vocabularyContext } = setupHooks([unbuilt('create'), unbuilt('delete')]);
    const { register } = directusLegacy(vocabularyContext());
    expect(() => register({ 'items.create': () => {}, 'samples.create.before': () => {} })).toThrow(
      '"samples.create.before" (samples.create) cannot be hooked: Sluice has no samples yet.',
    );
    expect(() => register({ 'samples.*': () => {} })).toThrow(EventUnavailableError);
    expect(hooks.registrations()).toEqual([]);
  });
});
