import { EventUnavailableError, exceptions, FilterStopped, UnknownEventError } from '@sluice/hooks';
import { describe, expect, it } from 'vitest';
import { handlerContext, recordEvent, runFilter, setupHooks } from '../testing.ts';
import { directus } from './directus.ts';

describe('directus vocabulary (register functions)', () => {
  it('resolves items.create to records.create and hands the filter (payload, meta, context)', async () => {
    const { hooks, vocabularyContext } = setupHooks();
    const { filter } = directus(vocabularyContext('hooks/sync'));
    const seen: unknown[] = [];
    filter('items.create', async (input, { collection }, { schema, accountability, database }) => {
      seen.push(collection, schema, accountability?.admin, database);
      return { ...input, syncedWithExample: true };
    });
    expect(hooks.registrations()).toMatchObject([
      { kind: 'filter', event: 'records.create', owner: 'hooks/sync' },
    ]);
    const { meta, tags } = recordEvent('recipes', 'create');
    const ctx = handlerContext({ admin: true });
    const result = await hooks.runFilter('records.create', { title: 'Soup' }, meta, ctx, tags);
    expect(result).toEqual({ title: 'Soup', syncedWithExample: true });
    expect(seen).toEqual(['recipes', ctx.schema, true, ctx.database]);
  });

  it('accepts canonical names with tags and priority', async () => {
    const { hooks, vocabularyContext } = setupHooks();
    const { filter } = directus(vocabularyContext());
    const order: string[] = [];
    filter('records.create', () => void order.push('second'), { priority: 1 });
    filter('records.create', () => void order.push('first'), { priority: -1, tags: ['articles'] });
    const { meta, tags } = recordEvent('articles', 'create');
    await hooks.runFilter('records.create', {}, meta, handlerContext(), tags);
    expect(order).toEqual(['first', 'second']);
  });

  it('runs a scoped name (<collection>.items.create) for that collection only', async () => {
    const { hooks, vocabularyContext } = setupHooks();
    const { filter, action } = directus(vocabularyContext());
    filter('recipes.items.create', (input: Record<string, unknown>) => ({ ...input, scoped: true }));
    const calls: string[] = [];
    action('recipes.items.create', ({ collection }) => void calls.push(collection));
    const recipes = recordEvent('recipes', 'create');
    const articles = recordEvent('articles', 'create');
    expect(await hooks.runFilter('records.create', {}, recipes.meta, handlerContext(), recipes.tags)).toEqual(
      { scoped: true },
    );
    expect(
      await hooks.runFilter('records.create', {}, articles.meta, handlerContext(), articles.tags),
    ).toEqual({});
    hooks.runAction('records.create', { ...recipes.meta, key: 'r1' }, handlerContext(), recipes.tags);
    hooks.runAction('records.create', { ...articles.meta, key: 'a1' }, handlerContext(), articles.tags);
    await hooks.drain();
    expect(calls).toEqual(['recipes']);
  });

  it('resolves system collection names (users.create) through the catalogue with their tag', async () => {
    const { hooks, vocabularyContext } = setupHooks();
    directus(vocabularyContext()).filter('users.create', () => false);
    expect(hooks.registrations()).toMatchObject([{ event: 'records.create', tags: ['users'] }]);
    const users = recordEvent('users', 'create');
    expect(
      await hooks.runFilter('records.create', { a: 1 }, users.meta, handlerContext(), users.tags),
    ).toBeInstanceOf(FilterStopped);
  });

  it('registers a name known twice (canonical and Directus) once', () => {
    const { hooks, vocabularyContext } = setupHooks();
    const { filter, action } = directus(vocabularyContext());
    filter('auth.login', (payload) => payload);
    action('items.read', () => {});
    expect(hooks.registrations().map((r) => `${r.kind} ${r.event}`)).toEqual([
      'filter auth.login',
      'action records.list',
      'action records.view',
    ]);
  });

  it('aborts with the typed error a filter throws', async () => {
    const { hooks, vocabularyContext } = setupHooks();
    const { InvalidPayloadException } = exceptions;
    directus(vocabularyContext()).filter('items.create', (input: Record<string, unknown>) => {
      if (!input.title) throw new InvalidPayloadException('"title" is required');
      return input;
    });
    const { meta, tags } = recordEvent('articles', 'create');
    await expect(runFilter(hooks, 'records.create', {}, meta, handlerContext(), tags)).rejects.toMatchObject({
      status: 400,
      message: '"title" is required',
    });
  });

  it('hands actions (meta, context) and init handlers (meta)', async () => {
    const { hooks, vocabularyContext } = setupHooks();
    const { action, init } = directus(vocabularyContext());
    const seen: unknown[] = [];
    action('items.create', ({ payload, key, collection }, { accountability }) => {
      seen.push(payload, key, collection, accountability?.user);
    });
    init('routes.custom.before', ({ app }) => void seen.push(app));
    const { meta, tags } = recordEvent('articles', 'create', { payload: { title: 'x' }, key: 'k1' });
    hooks.runAction('records.create', meta, handlerContext({ user: 'u1' }), tags);
    await hooks.drain();
    await hooks.runInit('routes.custom.before', { app: 'the app' });
    expect(seen).toEqual([{ title: 'x' }, 'k1', 'articles', 'u1', 'the app']);
  });

  it('registers schedules under the owner and unregisters everything a call registered', () => {
    const { hooks, vocabularyContext } = setupHooks();
    const { schedule, action } = directus(vocabularyContext('hooks/clock'));
    schedule('*/15 * * * *', () => {});
    const off = action('items.read', () => {});
    expect(hooks.schedules()).toMatchObject([{ owner: 'hooks/clock' }]);
    off();
    expect(hooks.registrations()).toEqual([]);
  });

  it('refuses names that stand for nothing', () => {
    const { vocabularyContext } = setupHooks();
    const { filter, action } = directus(vocabularyContext());
    expect(() => filter('items.craete', () => {})).toThrow(UnknownEventError);
    expect(() => filter('recipes.items.craete', () => {})).toThrow(UnknownEventError);
    expect(() => filter('server.start', () => {})).toThrow(UnknownEventError);
    expect(() => action('routes.before', () => {})).toThrow(UnknownEventError);
  });

  it('refuses names of events whose feature does not exist yet, naming both as written', () => {
    const { hooks, vocabularyContext } = setupHooks();
    const { filter, action } = directus(vocabularyContext());
    expect(() => action('files.upload', () => {})).toThrow(
      '"files.upload" cannot be hooked: Sluice has no files yet.',
    );
    expect(() => filter('roles.create', () => {})).toThrow(EventUnavailableError);
    expect(() => action('presets.*', () => {})).toThrow(
      '"presets.*" (presets.create, presets.update, presets.delete) cannot be hooked: Sluice has no presets yet.',
    );
    expect(hooks.registrations()).toEqual([]);
    action('*.create', () => {});
    expect(hooks.registrations().map((registration) => registration.event)).toEqual([
      'records.create',
      'model.create',
      'collections.create',
      'fields.create',
      'settings.create',
      'webhooks.create',
      'plugins.create',
    ]);
  });
});
