import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadExtensions } from '../packages/server/src/extensions/loader.ts';
import {
  handlerContext,
  recordEvent,
  runFilter,
  setupHooks,
  withoutServer,
} from '../packages/server/src/extensions/testing.ts';

// These drive the examples through the engine as the server emits events; tests through HTTP
// against a running server belong with the server's end-to-end suite.

const here = dirname(fileURLToPath(import.meta.url));
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A stand-in for the external recipes service, on 127.0.0.1. */
async function recipesService(status = 201) {
  const received: unknown[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push(JSON.parse(body));
      response.writeHead(status).end();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/recipes`, received };
}

async function load(example: string, env: Record<string, string> = {}) {
  const setup = setupHooks();
  const loaded = await loadExtensions({
    dir: join(here, example),
    hooks: setup.hooks,
    logger: setup.logger,
    context: { ...withoutServer, env },
  });
  expect(loaded.filter((extension) => extension.error)).toEqual([]);
  const events = setup.hooks
    .registrations()
    .map((registration) => `${registration.kind} ${registration.event}`);
  return { ...setup, loaded, events };
}

const recipes = recordEvent('recipes', 'create');
const articles = recordEvent('articles', 'create');

describe.each(['directus', 'directus-legacy'])('%s example (sync-with-external)', (example) => {
  it('registers its hooks', async () => {
    const { events } = await load(example);
    expect(events).toContain('filter records.create');
    expect(events).toContain('action records.update');
  });

  it('syncs new recipes with the external service and marks them', async () => {
    const service = await recipesService();
    const { hooks } = await load(example, { RECIPES_URL: service.url });
    const ctx = handlerContext({ admin: true });
    expect(
      await runFilter(hooks, 'records.create', { name: 'Soup' }, recipes.meta, ctx, recipes.tags),
    ).toEqual({
      name: 'Soup',
      syncedWithExample: true,
    });
    expect(
      await runFilter(hooks, 'records.create', { title: 'News' }, articles.meta, ctx, articles.tags),
    ).toEqual({
      title: 'News',
    });
    expect(service.received).toEqual([example === 'directus' ? { name: 'Soup' } : [{ name: 'Soup' }]]);
  });

  it('cancels the creation with a 503 when the service fails', async () => {
    const service = await recipesService(500);
    const { hooks } = await load(example, { RECIPES_URL: service.url });
    await expect(
      runFilter(hooks, 'records.create', { name: 'Soup' }, recipes.meta, handlerContext(), recipes.tags),
    ).rejects.toMatchObject({ status: 503 });
  });

  it('reports item actions by non-admins', async () => {
    const { hooks, lines } = await load(example);
    hooks.runAction('records.create', { ...articles.meta, key: 'a1' }, handlerContext(), articles.tags);
    hooks.runAction(
      'records.create',
      { ...articles.meta, key: 'a2' },
      handlerContext({ admin: true }),
      articles.tags,
    );
    await hooks.drain();
    expect(lines.filter((line) => line.level === 'error')).toHaveLength(1);
  });
});

describe('pocketbase example', () => {
  it('validates, completes and filters articles', async () => {
    const { hooks, events } = await load('pocketbase');
    expect(events).toEqual(
      expect.arrayContaining([
        'filter records.create',
        'filter records.list',
        'action model.create',
        'filter realtime.message',
      ]),
    );
    expect(
      await runFilter(
        hooks,
        'records.create',
        { title: 'Hello World' },
        articles.meta,
        handlerContext(),
        articles.tags,
      ),
    ).toEqual({ title: 'Hello World', slug: 'hello-world' });
    await expect(
      runFilter(hooks, 'records.create', { title: ' ' }, articles.meta, handlerContext(), articles.tags),
    ).rejects.toMatchObject({ status: 400 });
    const list = {
      page: 1,
      perPage: 30,
      totalItems: 2,
      totalPages: 1,
      items: [{ id: '1' }, { id: '2', draft: true }],
    };
    expect(
      await runFilter(hooks, 'records.list', list, articles.meta, handlerContext(), articles.tags),
    ).toMatchObject({
      items: [{ id: '1' }],
    });
  });
});

describe('pb_hooks example', () => {
  it('loads PocketBase hook files as they are: hooks with tags, a required module, a route, a schedule', async () => {
    const setup = setupHooks();
    const routes = new Map();
    const loaded = await loadExtensions({
      dir: undefined,
      pbHooksDir: join(here, 'pb_hooks'),
      hooks: setup.hooks,
      logger: setup.logger,
      routes,
      context: { ...withoutServer, env: {} },
    });
    expect(loaded.map((extension) => [extension.owner, extension.error?.message])).toEqual([
      ['pb_hooks/comments.pb.js', undefined],
      ['pb_hooks/main.pb.js', undefined],
    ]);
    const events = setup.hooks
      .registrations()
      .map((registration) => `${registration.kind} ${registration.event}`);
    expect(events).toEqual(
      expect.arrayContaining(['around records.create', 'filter records.create', 'filter records.list']),
    );
    expect(setup.hooks.schedules().map((schedule) => schedule.expression)).toEqual(['0 3 * * *']);
    expect(routes.get('pb_hooks/main.pb.js').map((route: { url: string }) => route.url)).toEqual([
      '/api/articles/:slug/summary',
    ]);
    const { hooks } = setup;
    expect(
      await runFilter(
        hooks,
        'records.create',
        { title: 'Hello, World!' },
        articles.meta,
        handlerContext(),
        articles.tags,
      ),
    ).toEqual({ title: 'Hello, World!', slug: 'hello-world' });
    await expect(
      runFilter(hooks, 'records.create', { title: ' ' }, articles.meta, handlerContext(), articles.tags),
    ).rejects.toMatchObject({ status: 400, details: { title: { code: 'required' } } });
  });
});

describe('kuzzle example', () => {
  it('changes server:now and lets only the creator read a document', async () => {
    const { hooks, events } = await load('kuzzle');
    expect(events).toEqual([
      'filter server.now',
      'filter records.view',
      'action records.create',
      'action hook.error',
    ]);
    const now = (await runFilter(hooks, 'server.now', { now: 0 }, {}, handlerContext())) as { now: string };
    expect(now.now).toMatch(/GMT$/);
    const note = { id: 'n1', creator: 'u1' };
    const meta = { event: 'records.view', collection: 'notes', collectionId: 'pbc_notes', query: {} };
    expect(
      await runFilter(hooks, 'records.view', note, meta, handlerContext({ user: 'u1' }), ['notes']),
    ).toEqual(note);
    await expect(
      runFilter(hooks, 'records.view', note, meta, handlerContext({ user: 'u2' }), ['notes']),
    ).rejects.toMatchObject({ status: 403 });
  });
});

describe('qelos example', () => {
  it('dispatches a plugin:my-plugin event on sign-up and receives it', async () => {
    const { hooks, lines } = await load('qelos');
    hooks.runAction(
      'auth.signup',
      { collection: 'users', record: { id: 'u1' } },
      handlerContext({ user: 'u1' }),
      ['users'],
    );
    await hooks.drain();
    expect(lines).toContainEqual(
      expect.objectContaining({
        message: 'you reached the good place.',
        details: expect.objectContaining({ source: 'plugin:my-plugin', user: 'u1' }),
      }),
    );
  });
});

describe('canonical example', () => {
  it('checks and trims titles, hides internal notes, adds a route and a schedule', async () => {
    const { hooks, events } = await load('canonical');
    expect(events).toEqual([
      'filter records.create',
      'filter records.list',
      'action records.create',
      'init routes.custom.before',
    ]);
    expect(hooks.schedules()).toHaveLength(1);
    expect(
      await runFilter(
        hooks,
        'records.create',
        { title: ' Hi ' },
        articles.meta,
        handlerContext(),
        articles.tags,
      ),
    ).toEqual({
      title: 'Hi',
    });
    await expect(
      runFilter(hooks, 'records.create', {}, articles.meta, handlerContext(), articles.tags),
    ).rejects.toMatchObject({
      status: 400,
    });
    const list = {
      page: 1,
      perPage: 30,
      totalItems: 1,
      totalPages: 1,
      items: [{ id: '1', internalNotes: 'x' }],
    };
    expect(
      await runFilter(hooks, 'records.list', list, articles.meta, handlerContext(), articles.tags),
    ).toMatchObject({
      items: [{ id: '1' }],
    });
    const routes: string[] = [];
    await hooks.runInit('routes.custom.before', { app: { get: (path: string) => routes.push(path) } });
    expect(routes).toEqual(['/api/articles-extension/ping']);
    const dispatched: unknown[] = [];
    hooks.action('plugin.event', (event: unknown) => void dispatched.push(event));
    hooks.runAction(
      'records.create',
      { ...articles.meta, key: 'a1' },
      handlerContext({ user: 'u1' }),
      articles.tags,
    );
    await hooks.drain();
    expect(dispatched).toMatchObject([
      { source: 'plugin:articles', eventName: 'article-created', user: 'u1' },
    ]);
  });
});
