import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCollection,
  type Dialect,
  dialects,
  type StartOptions,
  signUp,
  startServer,
  type TestServer,
} from './helpers.ts';
import { smtpServer } from './smtp.ts';

// Each example folder of `examples/` loaded by a real server and driven over HTTP, checking that
// it does what examples/README.md says it does.

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const example = (name: string) => join(root, 'examples', name);

interface LogLine {
  level: number;
  msg: string;
  extension?: string;
  [field: string]: unknown;
}

const ERROR = 50;

/** A pino logger writing its lines into an array. */
function capturingLogger() {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

/** A stand-in for an outside service on 127.0.0.1: records each JSON body, answers `status` (0 hangs up). */
async function receiver() {
  const received: unknown[] = [];
  const state = { status: 201 };
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push(body === '' ? null : JSON.parse(body));
      // 0: hang up without an answer
      if (state.status === 0) return void request.socket.destroy();
      response.writeHead(state.status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    /** What the next requests are answered with. */
    answer(status: number) {
      state.status = status;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

type Receiver = Awaited<ReturnType<typeof receiver>>;

/** Starts a server on one example folder, with a logger whose lines the test reads. */
async function startExample(dialect: Dialect, name: string, options: StartOptions = {}) {
  const { logger, lines } = capturingLogger();
  const server = await startServer(dialect, { ...options, extensions: example(name), logger });
  // Every example loads cleanly.
  const failed = server.app.extensions.filter((extension) => extension.error);
  expect(failed.map((extension) => `${extension.path}: ${extension.error?.message}`)).toEqual([]);
  expect(server.app.extensions.length).toBeGreaterThan(0);
  return { server, lines };
}

/** Collects `hook.error` actions (extension, event, message) from the moment it is called. */
function hookErrors(server: TestServer) {
  const errors: { extension: string; event: string; message: string }[] = [];
  server.app.hooks.action('hook.error', (meta: any) => {
    errors.push({ extension: meta.extension, event: meta.event, message: String(meta.error?.message) });
  });
  return errors;
}

describe.each(dialects)('examples over HTTP (%s)', (dialect: Dialect) => {
  describe.each([
    { name: 'directus', receives: (body: unknown) => body },
    { name: 'directus-legacy', receives: (body: unknown) => [body] },
  ])('$name example (sync-with-external)', ({ name, receives }) => {
    let server: TestServer;
    let lines: LogLine[];
    let recipes: Receiver;
    let webhook: Receiver;
    let errors: ReturnType<typeof hookErrors>;
    let smtp: Awaited<ReturnType<typeof smtpServer>>;

    beforeAll(async () => {
      recipes = await receiver();
      webhook = await receiver();
      smtp = await smtpServer();
      ({ server, lines } = await startExample(dialect, name, {
        env: { RECIPES_URL: `${recipes.url}/recipes`, WEBHOOK_URL: `${webhook.url}/articles` },
      }));
      const mail = await server.request('PATCH', '/api/settings', {
        token: server.adminToken,
        body: { smtp: { enabled: true, host: '127.0.0.1', port: smtp.port } },
      });
      expect(mail.status).toBe(200);
      const open = { listRule: '', viewRule: '', createRule: '' };
      await createCollection(server, {
        name: 'recipes',
        fields: [
          { name: 'name', type: 'text', required: true },
          { name: 'syncedWithExample', type: 'bool' },
        ],
        ...open,
      });
      await createCollection(server, {
        name: 'articles',
        fields: [{ name: 'title', type: 'text' }],
        ...open,
      });
      errors = hookErrors(server);
    });

    afterAll(async () => {
      await server?.stop();
      await recipes?.close();
      await webhook?.close();
      await smtp?.close();
    });

    it('posts a new recipe to RECIPES_URL and stores it marked as synced', async () => {
      recipes.answer(201);
      recipes.received.length = 0;
      const created = await server.request('POST', '/api/collections/recipes/records', {
        body: { name: 'Soup' },
        token: server.adminToken,
      });
      expect(created.status).toBe(200);
      expect(created.body).toMatchObject({ name: 'Soup', syncedWithExample: true });
      expect(recipes.received).toEqual([receives({ name: 'Soup' })]);
      const stored = await server.request('GET', `/api/collections/recipes/records/${created.body.id}`, {
        token: server.adminToken,
      });
      expect(stored.status).toBe(200);
      expect(stored.body).toMatchObject({ name: 'Soup', syncedWithExample: true });
      if (name === 'directus') {
        expect(smtp.received.map((mail) => mail.to)).toContainEqual(['person@example.com']);
      }
    });

    it('leaves other collections alone', async () => {
      recipes.received.length = 0;
      const created = await server.request('POST', '/api/collections/articles/records', {
        body: { title: 'News' },
        token: server.adminToken,
      });
      expect(created.status).toBe(200);
      expect(created.body).not.toHaveProperty('syncedWithExample');
      expect(recipes.received).toEqual([]);
    });

    it('answers 503 and writes nothing when the recipes service fails', async () => {
      recipes.answer(500);
      recipes.received.length = 0;
      const before = await server.count('recipes');
      const refused = await server.request('POST', '/api/collections/recipes/records', {
        body: { name: 'Burnt soup' },
        token: server.adminToken,
      });
      expect(refused.status).toBe(503);
      expect(refused.body).toMatchObject({ status: 503 });
      expect(recipes.received).toEqual([receives({ name: 'Burnt soup' })]);
      expect(await server.count('recipes')).toBe(before);
      expect(await server.count('recipes', 'name = "Burnt soup"')).toBe(0);
      recipes.answer(201);
    });

    it('answers 503 and writes nothing when the recipes service hangs up', async () => {
      recipes.answer(0);
      const before = await server.count('recipes');
      const refused = await server.request('POST', '/api/collections/recipes/records', {
        body: { name: 'Lost soup' },
        token: server.adminToken,
      });
      recipes.answer(201);
      expect(refused.status).toBe(503);
      expect(await server.count('recipes')).toBe(before);
    });

    it('reports item actions by non-admins through hook.error, after the write', async () => {
      recipes.answer(201);
      await server.app.hooks.drain();
      errors.length = 0;
      const guest = await server.request('POST', '/api/collections/recipes/records', {
        body: { name: 'Guest soup' },
        token: null,
      });
      // An action cannot undo a committed write: the record is there, the refusal is reported.
      expect(guest.status).toBe(200);
      expect(guest.body).toMatchObject({ syncedWithExample: true });
      await server.app.hooks.drain();
      expect(errors).toContainEqual({
        extension: 'hooks/sync-with-external',
        event: 'records.create',
        message: expect.any(String),
      });
      expect(lines.some((line) => line.level >= ERROR && line.extension === 'hooks/sync-with-external')).toBe(
        true,
      );

      errors.length = 0;
      const admin = await server.request('POST', '/api/collections/recipes/records', {
        body: { name: 'Admin soup' },
        token: server.adminToken,
      });
      expect(admin.status).toBe(200);
      await server.app.hooks.drain();
      expect(errors).toEqual([]);

      const read = await server.request('GET', `/api/collections/recipes/records/${admin.body.id}`, {
        token: null,
      });
      expect(read.status).toBe(200);
      await server.app.hooks.drain();
      expect(errors).toEqual([
        { extension: 'hooks/sync-with-external', event: 'records.view', message: expect.any(String) },
      ]);
    });

    if (name === 'directus-legacy') {
      it('the plain-file hook posts each new article to WEBHOOK_URL', async () => {
        webhook.received.length = 0;
        const created = await server.request('POST', '/api/collections/articles/records', {
          body: { title: 'Breaking' },
          token: server.adminToken,
        });
        expect(created.status).toBe(200);
        await server.app.hooks.drain();
        expect(webhook.received).toEqual([{ article: created.body.id }]);
        const recipe = await server.request('POST', '/api/collections/recipes/records', {
          body: { name: 'Not an article' },
          token: server.adminToken,
        });
        expect(recipe.status).toBe(200);
        await server.app.hooks.drain();
        expect(webhook.received).toHaveLength(1);
      });
    }
  });

  describe('pocketbase example', () => {
    let server: TestServer;
    let lines: LogLine[];

    beforeAll(async () => {
      ({ server, lines } = await startExample(dialect, 'pocketbase'));
      await createCollection(server, {
        name: 'articles',
        fields: [
          { name: 'title', type: 'text' },
          { name: 'slug', type: 'text' },
          { name: 'draft', type: 'bool' },
        ],
        listRule: '',
        viewRule: '',
        createRule: '',
      });
    });

    afterAll(async () => {
      await server?.stop();
    });

    it('ran its onAfterBootstrap hook', () => {
      expect(lines).toContainEqual(
        expect.objectContaining({ msg: 'Bootstrapped the app', extension: 'hooks/articles' }),
      );
    });

    it('refuses an article without a title with a 400 and writes nothing', async () => {
      const before = await server.count('articles');
      const refused = await server.request('POST', '/api/collections/articles/records', {
        body: { title: '   ' },
      });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ status: 400, message: 'An article needs a title.' });
      expect(await server.count('articles')).toBe(before);
    });

    it('adds a slug to a new article and logs it after the create', async () => {
      const created = await server.request('POST', '/api/collections/articles/records', {
        body: { title: 'Hello World, Again' },
      });
      expect(created.status).toBe(200);
      expect(created.body).toMatchObject({ title: 'Hello World, Again', slug: 'hello-world-again' });
      const stored = await server.request('GET', `/api/collections/articles/records/${created.body.id}`);
      expect(stored.body.slug).toBe('hello-world-again');
      await server.app.hooks.drain();
      expect(lines).toContainEqual(
        expect.objectContaining({ msg: 'Article created.', id: created.body.id, collection: 'articles' }),
      );
    });

    it('hides drafts from lists, not from views', async () => {
      const draft = await server.request('POST', '/api/collections/articles/records', {
        body: { title: 'Secret plan', draft: true },
      });
      expect(draft.status).toBe(200);
      const published = await server.request('POST', '/api/collections/articles/records', {
        body: { title: 'Public news', draft: false },
      });
      expect(published.status).toBe(200);
      const list = await server.request('GET', '/api/collections/articles/records', {
        query: { perPage: 100 },
      });
      expect(list.status).toBe(200);
      const ids = (list.body.items as { id: string; draft: boolean }[]).map((item) => item.id);
      expect(ids).toContain(published.body.id);
      expect(ids).not.toContain(draft.body.id);
      expect(list.body.items.every((item: { draft: boolean }) => item.draft !== true)).toBe(true);
      const view = await server.request('GET', `/api/collections/articles/records/${draft.body.id}`);
      expect(view.status).toBe(200);
      expect(view.body.draft).toBe(true);
    });

    it('logs model creates of users only', async () => {
      const user = await signUp(server, 'pat');
      await server.app.hooks.drain();
      expect(lines).toContainEqual(
        expect.objectContaining({ msg: 'Model created.', table: 'users', id: user.id }),
      );
      expect(lines.filter((line) => line.msg === 'Model created.' && line.table !== 'users')).toEqual([]);
    });
  });

  describe('kuzzle example', () => {
    let server: TestServer;
    let lines: LogLine[];

    beforeAll(async () => {
      ({ server, lines } = await startExample(dialect, 'kuzzle'));
      await createCollection(server, {
        name: 'notes',
        fields: [
          { name: 'text', type: 'text' },
          { name: 'creator', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1 },
        ],
        listRule: '',
        viewRule: '',
        createRule: '',
      });
    });

    afterAll(async () => {
      await server?.stop();
    });

    it('changes the answer of GET /api/now through the server:afterNow pipe', async () => {
      const before = Date.now();
      const now = await server.request('GET', '/api/now');
      expect(now.status).toBe(200);
      // toUTCString(), not the ISO string the server answers without the pipe
      expect(now.body.now).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
      expect(Math.abs(Date.parse(now.body.now) - before)).toBeLessThan(5000);
    });

    it('logs each new user (security:afterCreateRestrictedUser) and lets only the creator read a note', async () => {
      const alice = await signUp(server, 'alice');
      const bob = await signUp(server, 'bob');
      await server.app.hooks.drain();
      const registered = lines.filter((line) => line.msg.startsWith('New user registered: '));
      expect(registered).toHaveLength(2);
      expect(registered[0]).toMatchObject({ extension: 'hooks/creator-only', level: 30 });
      // Signed up as a guest: the caller is Kuzzle's anonymous user.
      expect(JSON.parse(registered[0]!.msg.slice('New user registered: '.length))).toMatchObject({
        _id: '-1',
      });

      const note = await server.request('POST', '/api/collections/notes/records', {
        body: { text: 'mine', creator: alice.id },
        token: alice.token,
      });
      expect(note.status).toBe(200);
      const path = `/api/collections/notes/records/${note.body.id}`;
      const own = await server.request('GET', path, { token: alice.token });
      expect(own.status).toBe(200);
      expect(own.body).toMatchObject({ id: note.body.id, text: 'mine', creator: alice.id });
      const other = await server.request('GET', path, { token: bob.token });
      expect(other.status).toBe(403);
      expect(other.body).toMatchObject({ status: 403, message: 'Unauthorized access' });
      expect(other.text).not.toContain('mine');
      const guest = await server.request('GET', path, { token: null });
      expect(guest.status).toBe(403);
    });

    it('hands a failing hook to its hook:onError handler', async () => {
      const unregister = server.app.hooks.action(
        'records.create',
        () => {
          throw new Error('the notes index is down');
        },
        { tags: ['notes'], owner: 'hooks/notes-indexer' },
      );
      try {
        const created = await server.request('POST', '/api/collections/notes/records', {
          body: { text: 'indexed?' },
          token: server.adminToken,
        });
        expect(created.status).toBe(200);
        await server.app.hooks.drain();
      } finally {
        unregister();
      }
      expect(lines).toContainEqual(
        expect.objectContaining({
          level: ERROR,
          extension: 'hooks/creator-only',
          msg: 'Error occured on event "records.create" of hooks/notes-indexer: Error: the notes index is down',
        }),
      );
    });
  });

  describe('qelos example', () => {
    let server: TestServer;
    let lines: LogLine[];

    beforeAll(async () => {
      ({ server, lines } = await startExample(dialect, 'qelos'));
    });

    afterAll(async () => {
      await server?.stop();
    });

    const reached = () => lines.filter((line) => line.msg === 'you reached the good place.');

    it('a guest sign-up dispatches plugin:my-plugin, which its wildcard handler receives', async () => {
      const user = await signUp(server, 'quinn');
      await server.app.hooks.drain();
      expect(reached()).toEqual([
        expect.objectContaining({
          extension: 'hooks/welcome',
          user: user.id,
          source: 'plugin:my-plugin',
          kind: 'my-type',
          eventName: 'thing-changed',
        }),
      ]);
    });

    it('a user created by a superuser is not a sign-up', async () => {
      const before = reached().length;
      const created = await server.request('POST', '/api/collections/users/records', {
        body: { email: 'made@example.com', password: 'password-123456', passwordConfirm: 'password-123456' },
        token: server.adminToken,
      });
      expect(created.status).toBe(200);
      await server.app.hooks.drain();
      expect(reached()).toHaveLength(before);
    });
  });

  describe('canonical example', () => {
    let server: TestServer;
    let lines: LogLine[];

    beforeAll(async () => {
      ({ server, lines } = await startExample(dialect, 'canonical'));
      await createCollection(server, {
        name: 'articles',
        fields: [
          { name: 'title', type: 'text' },
          { name: 'internalNotes', type: 'text' },
        ],
        listRule: '',
        viewRule: '',
        createRule: '',
      });
    });

    afterAll(async () => {
      await server?.stop();
    });

    it('refuses an article without a title (400, nothing written) and trims the title', async () => {
      for (const body of [{}, { title: '   ' }, { title: 42 }]) {
        const refused = await server.request('POST', '/api/collections/articles/records', { body });
        expect(refused.status).toBe(400);
        expect(refused.body).toMatchObject({ message: 'An article needs a title.' });
      }
      expect(await server.count('articles')).toBe(0);
      const created = await server.request('POST', '/api/collections/articles/records', {
        body: { title: '  Spaced out  ', internalNotes: 'editor only' },
      });
      expect(created.status).toBe(200);
      expect(created.body.title).toBe('Spaced out');
    });

    it('hides internalNotes from lists only', async () => {
      const created = await server.request('POST', '/api/collections/articles/records', {
        body: { title: 'With notes', internalNotes: 'do not leak' },
      });
      expect(created.status).toBe(200);
      const list = await server.request('GET', '/api/collections/articles/records', {
        token: server.adminToken,
      });
      expect(list.status).toBe(200);
      expect(list.body.items.length).toBeGreaterThan(0);
      for (const item of list.body.items) expect(item).not.toHaveProperty('internalNotes');
      expect(list.text).not.toContain('do not leak');
      const view = await server.request('GET', `/api/collections/articles/records/${created.body.id}`);
      expect(view.body.internalNotes).toBe('do not leak');
    });

    it('dispatches article-created after each create, as the plugin:articles source', async () => {
      const dispatched: any[] = [];
      const unregister = server.app.hooks.action('plugin.event', (event: any) => void dispatched.push(event));
      try {
        const user = await signUp(server, 'writer');
        const created = await server.request('POST', '/api/collections/articles/records', {
          body: { title: 'Signed' },
          token: user.token,
        });
        expect(created.status).toBe(200);
        await server.app.hooks.drain();
        expect(dispatched).toEqual([
          expect.objectContaining({
            source: 'plugin:articles',
            kind: 'records',
            eventName: 'article-created',
            user: user.id,
            metadata: { collection: 'articles' },
          }),
        ]);
      } finally {
        unregister();
      }
    });

    it('serves its custom route', async () => {
      const ping = await server.request('GET', '/api/articles-extension/ping');
      expect(ping.status).toBe(200);
      expect(ping.body).toEqual({ ok: true });
    });

    it('lists its hooks and its weekly schedule, with the next run, in GET /api/hooks', async () => {
      const listed = await server.request('GET', '/api/hooks', { token: server.adminToken });
      expect(listed.status).toBe(200);
      expect(listed.body.extensions).toEqual([
        expect.objectContaining({ extension: 'hooks/articles', vocabulary: 'directus', error: null }),
      ]);
      const ours = listed.body.hooks.filter(
        (hook: { extension: string }) => hook.extension === 'hooks/articles',
      );
      expect(ours).toEqual([
        {
          extension: 'hooks/articles',
          kind: 'filter',
          event: 'records.create',
          tags: ['articles'],
          priority: 0,
        },
        {
          extension: 'hooks/articles',
          kind: 'filter',
          event: 'records.list',
          tags: ['articles'],
          priority: 0,
        },
        {
          extension: 'hooks/articles',
          kind: 'action',
          event: 'records.create',
          tags: ['articles'],
          priority: 0,
        },
        { extension: 'hooks/articles', kind: 'init', event: 'routes.custom.before', tags: [], priority: 0 },
      ]);
      expect(listed.body.schedules).toEqual([
        expect.objectContaining({ extension: 'hooks/articles', expression: '0 4 * * sun', running: false }),
      ]);
      const next = new Date(listed.body.schedules[0].nextRun);
      expect(next.getTime()).toBeGreaterThan(Date.now());
      expect(next.getTime() - Date.now()).toBeLessThanOrEqual(7 * 24 * 3600 * 1000);
      // Local time, as cron reads it: Sunday, 04:00.
      expect([next.getDay(), next.getHours(), next.getMinutes(), next.getSeconds()]).toEqual([0, 4, 0, 0]);
      expect(lines.filter((line) => line.level >= ERROR)).toEqual([]);
    });
  });
});
