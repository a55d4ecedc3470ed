import { ConflictError, ForbiddenError, type Unregister } from '@sluice/hooks';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type {
  CollectionMeta,
  ModelMeta,
  RecordCreateActionMeta,
} from '../packages/server/src/catalogue/events.ts';
import { pocketbase } from '../packages/server/src/extensions/vocabularies/pocketbase.ts';
import type { Collection, RecordData } from '../packages/server/src/index.ts';
import { createCollection, type Dialect, dialects, sleep, startServer, type TestServer } from './helpers.ts';

type ModelActionMeta = ModelMeta & { record: RecordData };
type CollectionActionMeta = CollectionMeta & { payload: Collection };

describe.each(dialects)('hooks against a running server (%s)', (dialect: Dialect) => {
  let server: TestServer;
  const registered: Unregister[] = [];

  /** Registers for this test only. */
  function using(unregister: Unregister): void {
    registered.push(unregister);
  }

  const hooks = () => server.app.hooks;

  function createPost(data: Record<string, unknown>, token: string | null = server.adminToken) {
    return server.request('POST', '/api/collections/posts/records', { body: data, token });
  }

  beforeAll(async () => {
    server = await startServer(dialect, { hooks: { timeoutMs: 200 } });
    await createCollection(server, {
      name: 'posts',
      fields: [
        { name: 'title', type: 'text', required: true },
        { name: 'views', type: 'number' },
      ],
      listRule: '',
      viewRule: '',
      createRule: '',
    });
    await createCollection(server, { name: 'other', fields: [{ name: 'note', type: 'text' }] });
  });

  afterEach(async () => {
    for (const unregister of registered.splice(0)) unregister();
    await hooks().drain();
  });

  afterAll(async () => {
    await server?.stop();
  });

  describe('filters on writes', () => {
    it('change the payload that is stored', async () => {
      using(
        hooks().filter(
          'records.create',
          (payload) => ({ ...payload, title: String(payload.title).toUpperCase(), views: 7 }),
          { tags: ['posts'] },
        ),
      );
      const created = await createPost({ title: 'quiet title' });
      expect(created.status).toBe(200);
      expect(created.body).toMatchObject({ title: 'QUIET TITLE', views: 7 });
      const stored = await server.request('GET', `/api/collections/posts/records/${created.body.id}`);
      expect(stored.body).toMatchObject({ title: 'QUIET TITLE', views: 7 });
    });

    it('abort with their typed error and write nothing', async () => {
      const before = await server.count('posts');
      using(
        hooks().filter(
          'records.create',
          () => {
            throw new ForbiddenError('Posting is closed.');
          },
          { tags: ['posts'] },
        ),
      );
      const refused = await createPost({ title: 'refused' });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({
        status: 403,
        code: 'SLUICE_ERR_FORBIDDEN',
        message: 'Posting is closed.',
      });
      expect(await server.count('posts')).toBe(before);
    });

    it('turn an unknown error into a 500 that leaks nothing, and write nothing', async () => {
      const before = await server.count('posts');
      using(
        hooks().filter(
          'model.create',
          async () => {
            throw new Error('secret internal detail 42');
          },
          { tags: ['posts'] },
        ),
      );
      const failed = await createPost({ title: 'doomed' });
      expect(failed.status).toBe(500);
      expect(failed.text).not.toContain('secret internal detail');
      expect(failed.text).not.toContain('at ');
      expect(failed.body).toMatchObject({ status: 500, code: 'SLUICE_ERR_HOOK' });
      expect(await server.count('posts')).toBe(before);
    });

    it('write through the services inside the same transaction: committed together', async () => {
      const posts = await server.count('posts');
      const others = await server.count('other');
      using(
        hooks().filter(
          'records.create',
          async (payload, _meta, ctx) => {
            await server.app.services.records.create('other', { note: `for ${payload.title}` }, ctx);
          },
          { tags: ['posts'] },
        ),
      );
      const created = await createPost({ title: 'with a companion' });
      expect(created.status).toBe(200);
      expect(await server.count('posts')).toBe(posts + 1);
      expect(await server.count('other', 'note = "for with a companion"')).toBe(1);
      expect(await server.count('other')).toBe(others + 1);
    });

    it('write through the services, then throw: both writes are rolled back and no action runs', async () => {
      const posts = await server.count('posts');
      const others = await server.count('other');
      const actions: string[] = [];
      using(hooks().action('records.create', (meta) => void actions.push(meta.collection)));
      using(hooks().action('model.create', (meta) => void actions.push(`model:${meta.table}`)));
      using(
        hooks().filter(
          'model.create',
          async (_payload, _meta, ctx) => {
            await server.app.services.records.create('other', { note: 'must vanish' }, ctx);
            throw new ForbiddenError('Changed my mind.');
          },
          { tags: ['posts'] },
        ),
      );
      const refused = await createPost({ title: 'rolled back' });
      expect(refused.status).toBe(403);
      await hooks().drain();
      expect(await server.count('posts')).toBe(posts);
      expect(await server.count('other')).toBe(others);
      expect(await server.count('other', 'note = "must vanish"')).toBe(0);
      expect(actions).toEqual([]);
    });

    it('a service given only the transaction joins it: its actions wait for the outer commit', async () => {
      const actions: string[] = [];
      using(hooks().action('records.create', (meta) => void actions.push(meta.collection)));
      using(
        hooks().filter(
          'model.create',
          async (_payload, _meta, ctx) => {
            await server.app.services.records.create('other', { note: 'joins' }, { database: ctx.database });
            await new Promise((resolve) => setTimeout(resolve, 20));
            expect(actions).toEqual([]);
            throw new ForbiddenError('Changed my mind.');
          },
          { tags: ['posts'] },
        ),
      );
      const refused = await createPost({ title: 'rolled back too' });
      expect(refused.status).toBe(403);
      await hooks().drain();
      expect(await server.count('other', 'note = "joins"')).toBe(0);
      expect(actions).toEqual([]);
    });
  });

  describe('actions', () => {
    it('run after the commit: they see the row from another connection', async () => {
      const seen: Array<{ id: string; visible: boolean }> = [];
      using(
        hooks().action(
          'records.create',
          async (actionMeta) => {
            const meta = actionMeta as RecordCreateActionMeta;
            const row = await server.app.database.reader
              .selectFrom('posts')
              .select(['id', 'title'])
              .where('id', '=', meta.key)
              .executeTakeFirst();
            seen.push({ id: meta.key, visible: row?.title === 'after commit' });
          },
          { tags: ['posts'] },
        ),
      );
      const created = await createPost({ title: 'after commit' });
      expect(created.status).toBe(200);
      await hooks().drain();
      expect(seen).toEqual([{ id: created.body.id, visible: true }]);
    });

    it('get a context whose database still works after the commit', async () => {
      const results: unknown[] = [];
      using(
        hooks().action(
          'records.create',
          async (actionMeta, ctx) => {
            const meta = actionMeta as RecordCreateActionMeta;
            try {
              const row = await ctx.database
                .selectFrom('posts')
                .select('title')
                .where('id', '=', meta.key)
                .executeTakeFirst();
              results.push(row?.title);
            } catch (error) {
              results.push(error);
            }
          },
          { tags: ['posts'] },
        ),
      );
      const created = await createPost({ title: 'context after commit' });
      expect(created.status).toBe(200);
      await hooks().drain();
      expect(results).toEqual(['context after commit']);
    });

    it('fire once for a record that concurrent requests delete', async () => {
      const created = await createPost({ title: 'deleted by many' });
      const deletions: string[] = [];
      using(
        hooks().action('records.delete', (meta) => void deletions.push(meta.collection), { tags: ['posts'] }),
      );
      const answers = await Promise.all(
        Array.from({ length: 5 }, () =>
          server.request('DELETE', `/api/collections/posts/records/${created.body.id}`, {
            token: server.adminToken,
          }),
        ),
      );
      expect(answers.map((answer) => answer.status).sort()).toEqual([204, 404, 404, 404, 404]);
      await hooks().drain();
      expect(deletions).toEqual(['posts']);
    });

    it('fire model.create for a record made through the services, not HTTP', async () => {
      const models: Array<{ table: string; title: unknown }> = [];
      using(
        hooks().action(
          'model.create',
          (meta) => void models.push({ table: meta.table, title: (meta as ModelActionMeta).record.title }),
          {
            tags: ['posts'],
          },
        ),
      );
      const record = await server.app.services.records.create('posts', { title: 'from a service' });
      await hooks().drain();
      expect(models).toEqual([{ table: 'posts', title: 'from a service' }]);
      const stored = await server.request('GET', `/api/collections/posts/records/${record.id}`);
      expect(stored.body.title).toBe('from a service');
    });

    it('fire model.create when a superuser is created', async () => {
      const models: Array<{ table: string; email: unknown }> = [];
      using(
        hooks().action(
          'model.create',
          (meta) => void models.push({ table: meta.table, email: (meta as ModelActionMeta).record.email }),
          {
            tags: ['_superusers'],
          },
        ),
      );
      await server.app.services.records.create('_superusers', {
        email: `second-${dialect}@example.com`,
        password: 'second-password',
        passwordConfirm: 'second-password',
      });
      await hooks().drain();
      expect(models).toEqual([{ table: '_superusers', email: `second-${dialect}@example.com` }]);
      expect(await server.count('_superusers')).toBe(2);
    });

    it('are skipped, with the filters, for { emitEvents: false }', async () => {
      const fired: string[] = [];
      using(
        hooks().action('model.create', () => void fired.push('model.create action'), { tags: ['posts'] }),
      );
      using(
        hooks().action('records.create', () => void fired.push('records.create action'), { tags: ['posts'] }),
      );
      using(
        hooks().filter(
          'records.create',
          () => {
            throw new ForbiddenError('A filter that must not run.');
          },
          { tags: ['posts'] },
        ),
      );
      const record = await server.app.services.records.create(
        'posts',
        { title: 'silent' },
        { emitEvents: false },
      );
      await hooks().drain();
      expect(fired).toEqual([]);
      expect(await server.count('posts', `id = "${record.id}"`)).toBe(1);
    });

    it('that fail reach hook.error, and the request still succeeds', async () => {
      const failures: Array<{ event: string; message: string }> = [];
      using(
        hooks().action('hook.error', (meta) => {
          failures.push({ event: meta.event, message: (meta.error as Error).message });
        }),
      );
      using(
        hooks().action(
          'records.create',
          async () => {
            throw new Error('the action broke');
          },
          { tags: ['posts'] },
        ),
      );
      const created = await createPost({ title: 'survives a broken action' });
      expect(created.status).toBe(200);
      await hooks().drain();
      expect(failures).toEqual([{ event: 'records.create', message: 'the action broke' }]);
      const stored = await server.request('GET', `/api/collections/posts/records/${created.body.id}`);
      expect(stored.status).toBe(200);
      expect(stored.body.title).toBe('survives a broken action');
    });
  });

  describe('tags', () => {
    it('keep a filter to the collections it names', async () => {
      const calls: string[] = [];
      using(
        hooks().filter(
          'records.create',
          (_payload, meta) => {
            calls.push(meta.collection);
          },
          { tags: ['posts'] },
        ),
      );
      const other = await server.request('POST', '/api/collections/other/records', {
        body: { note: 'untagged' },
        token: server.adminToken,
      });
      expect(other.status).toBe(200);
      expect(calls).toEqual([]);
      const post = await createPost({ title: 'tagged' });
      expect(post.status).toBe(200);
      expect(calls).toEqual(['posts']);
    });
  });

  describe('filters on reads', () => {
    it('records.list can change the result', async () => {
      using(
        hooks().filter(
          'records.list',
          (result) => ({
            ...result,
            items: result.items.map((item) => ({ ...item, title: `[listed] ${item.title}` })),
          }),
          { tags: ['posts'] },
        ),
      );
      const list = await server.request('GET', '/api/collections/posts/records', { query: { perPage: 5 } });
      expect(list.status).toBe(200);
      expect(list.body.items.length).toBeGreaterThan(0);
      for (const item of list.body.items) expect(item.title).toMatch(/^\[listed\] /);
    });

    it('records.view can change the record', async () => {
      const created = await createPost({ title: 'viewed' });
      using(hooks().filter('records.view', (record) => ({ ...record, computed: record.title + '!' })));
      const view = await server.request('GET', `/api/collections/posts/records/${created.body.id}`);
      expect(view.status).toBe(200);
      expect(view.body).toMatchObject({ title: 'viewed', computed: 'viewed!' });
    });
  });

  describe('auth', () => {
    beforeAll(async () => {
      for (const email of ['allowed@example.com', 'blocked@example.com']) {
        const created = await server.request('POST', '/api/collections/users/records', {
          body: { email, password: 'password-123', passwordConfirm: 'password-123' },
        });
        expect(created.status).toBe(200);
      }
    });

    const login = (identity: string) =>
      server.request('POST', '/api/collections/users/auth-with-password', {
        body: { identity, password: 'password-123' },
      });

    it('auth.login can reject a login', async () => {
      using(
        hooks().filter(
          'auth.login',
          (credentials) => {
            if (credentials.identity === 'blocked@example.com')
              throw new ForbiddenError('This account is blocked.');
          },
          { tags: ['users'] },
        ),
      );
      const blocked = await login('blocked@example.com');
      expect(blocked.status).toBe(403);
      expect(blocked.body.message).toBe('This account is blocked.');
      expect(blocked.body.token).toBeUndefined();
      const allowed = await login('allowed@example.com');
      expect(allowed.status).toBe(200);
      expect(allowed.body.token).toEqual(expect.any(String));
    });

    it('keeps passwords out of the auth.login, auth.fail and records.create actions', async () => {
      const metas: unknown[] = [];
      for (const name of ['auth.login', 'auth.fail', 'records.create'] as const) {
        using(hooks().action(name, (meta) => void metas.push(meta)));
      }
      const created = await server.request('POST', '/api/collections/users/records', {
        body: { email: 'secretive@example.com', password: 'password-123', passwordConfirm: 'password-123' },
      });
      expect(created.status).toBe(200);
      expect((await login('secretive@example.com')).status).toBe(200);
      const wrong = await server.request('POST', '/api/collections/users/auth-with-password', {
        body: { identity: 'secretive@example.com', password: 'not-the-password' },
      });
      expect(wrong.status).toBe(400);
      await hooks().drain();
      const text = JSON.stringify(metas);
      expect(text).not.toContain('password-123');
      expect(text).not.toContain('not-the-password');
      expect(text).not.toContain('tokenKey');
      const events = metas.map((meta) => (meta as { event: string }).event);
      expect(events).toEqual(expect.arrayContaining(['records.create', 'auth.login', 'auth.fail']));
      const loginMeta = metas.find((meta) => (meta as { event: string }).event === 'auth.login') as {
        payload: unknown;
        user: { email: string };
      };
      expect(loginMeta.payload).toEqual({ identity: 'secretive@example.com' });
      const createMeta = metas.find((meta) => (meta as { event: string }).event === 'records.create') as {
        record: { email: string };
      };
      expect(createMeta.record.email).toBe('secretive@example.com');
    });

    it('signs in the record a PocketBase before hook picks, and gives its after hook e.identity and e.password', async () => {
      const pb = pocketbase({
        hooks: server.app.hooks,
        catalogue: server.app.catalogue,
        owner: 'test',
        logger: server.app.logger,
        dispatch: () => {
          throw new Error('No custom events in this test.');
        },
      });
      const allowed = await server.request('GET', '/api/collections/users/records', {
        token: server.adminToken,
        query: { filter: "email = 'allowed@example.com'" },
      });
      const allowedId = allowed.body.items[0].id as string;
      const seenAfter: unknown[] = [];
      using(
        pb.onRecordBeforeAuthWithPasswordRequest!((e) => {
          if (e.identity === 'alias-of-allowed') e.record = { ...e.record, id: allowedId } as never;
        }, 'users'),
      );
      using(
        pb.onRecordAfterAuthWithPasswordRequest!((e) => {
          seenAfter.push({ identity: e.identity, password: e.password, id: e.record?.id });
        }, 'users'),
      );
      const answer = await login('alias-of-allowed');
      expect(answer.status).toBe(200);
      expect(answer.body.record.id).toBe(allowedId);
      await hooks().drain();
      expect(seenAfter).toEqual([{ identity: 'alias-of-allowed', password: 'password-123', id: allowedId }]);
    });

    it('auth.token can add to the answer', async () => {
      using(
        hooks().filter('auth.token', (response, meta) => ({
          ...response,
          meta: { greeting: `hello from ${meta.collection}` },
        })),
      );
      const answer = await login('allowed@example.com');
      expect(answer.status).toBe(200);
      expect(answer.body.meta).toEqual({ greeting: 'hello from users' });
      expect(answer.body.record.email).toBe('allowed@example.com');
    });
  });

  describe('settings and collections', () => {
    it('settings.update sees the previous values in meta and the new ones as payload', async () => {
      const seen: Array<{ previous: unknown; next: unknown; smtpPassword: unknown }> = [];
      using(
        hooks().filter('settings.update', (settings, meta) => {
          const previous = meta.previous as { meta: { appName: string }; smtp: Record<string, unknown> };
          const next = settings as { meta: { appName: string; senderName: string } };
          seen.push({
            previous: previous.meta.appName,
            next: next.meta.appName,
            smtpPassword: previous.smtp.password,
          });
          return { ...settings, meta: { ...next.meta, senderName: `${next.meta.appName} team` } };
        }),
      );
      const before = await server.request('GET', '/api/settings', { token: server.adminToken });
      const updated = await server.request('PATCH', '/api/settings', {
        token: server.adminToken,
        body: { meta: { appName: 'Filtered App' } },
      });
      expect(updated.status).toBe(200);
      expect(seen).toEqual([
        { previous: before.body.meta.appName, next: 'Filtered App', smtpPassword: undefined },
      ]);
      expect(updated.body.meta.senderName).toBe('Filtered App team');
      const after = await server.request('GET', '/api/settings', { token: server.adminToken });
      expect(after.body.meta).toMatchObject({ appName: 'Filtered App', senderName: 'Filtered App team' });
    });

    it('collections.create filter changes the definition and the action follows the commit', async () => {
      const actions: string[] = [];
      using(hooks().filter('collections.create', (collection) => ({ ...collection, listRule: '' })));
      using(
        hooks().action(
          'collections.create',
          (meta) => void actions.push((meta as CollectionActionMeta).payload.name),
        ),
      );
      const created = await createCollection(server, {
        name: 'hooked',
        fields: [{ name: 'x', type: 'text' }],
      });
      expect(created).toMatchObject({ name: 'hooked', listRule: '' });
      const guestList = await server.request('GET', '/api/collections/hooked/records');
      expect(guestList.status).toBe(200);
      await hooks().drain();
      expect(actions).toEqual(['hooked']);
    });

    it('model.create and fields.create filters change the collection that is saved', async () => {
      using(
        hooks().filter(
          'model.create',
          (collection: Record<string, unknown>) => ({ ...collection, listRule: 'note != ""' }),
          { tags: ['_collections'] },
        ),
      );
      using(
        hooks().filter('fields.create', (field: Record<string, unknown>) =>
          field.name === 'note' ? { ...field, max: 5 } : field,
        ),
      );
      const created = await server.request('POST', '/api/collections', {
        token: server.adminToken,
        body: { name: 'shaped', type: 'base', fields: [{ name: 'note', type: 'text' }] },
      });
      expect(created.status).toBe(200);
      const saved = await server.request('GET', '/api/collections/shaped', { token: server.adminToken });
      expect(saved.body.listRule).toBe('note != ""');
      expect(saved.body.fields.find((field: { name: string }) => field.name === 'note').max).toBe(5);
      const tooLong = await server.request('POST', '/api/collections/shaped/records', {
        token: server.adminToken,
        body: { note: 'longer than five' },
      });
      expect(tooLong.status).toBe(400);
    });

    it('a throwing collections.create filter leaves no collection and no table', async () => {
      const actions: string[] = [];
      using(
        hooks().action(
          'collections.create',
          (meta) => void actions.push((meta as CollectionActionMeta).payload.name),
        ),
      );
      using(
        hooks().filter('fields.create', (field) => {
          if (field.name === 'forbidden') throw new ForbiddenError('No such field here.');
        }),
      );
      const refused = await server.request('POST', '/api/collections', {
        token: server.adminToken,
        body: { name: 'never_made', type: 'base', fields: [{ name: 'forbidden', type: 'text' }] },
      });
      expect(refused.status).toBe(403);
      const view = await server.request('GET', '/api/collections/never_made', { token: server.adminToken });
      expect(view.status).toBe(404);
      const tables = await server.app.database.db
        .selectFrom(dialect === 'sqlite' ? 'sqlite_master' : 'information_schema.tables')
        .select(dialect === 'sqlite' ? 'name' : 'table_name')
        .where(dialect === 'sqlite' ? 'name' : 'table_name', '=', 'never_made')
        .execute();
      expect(tables).toEqual([]);
      await hooks().drain();
      expect(actions).toEqual([]);
    });
  });

  describe('HTTP events', () => {
    it('request.not_found can answer a route of its own through meta.response', async () => {
      using(
        hooks().filter('request.not_found', (handled, meta) => {
          const request = meta.request as { url: string; method: string };
          if (!request.url.startsWith('/hello/')) return handled;
          (meta.response as { send(body: unknown): void }).send({
            hello: request.url.slice(7),
            method: request.method,
          });
          return true;
        }),
      );
      const custom = await server.request('GET', '/hello/world');
      expect(custom.status).toBe(200);
      expect(custom.body).toEqual({ hello: 'world', method: 'GET' });
      const missing = await server.request('GET', '/nothing/here');
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ status: 404, code: 'SLUICE_ERR_NOT_FOUND' });
    });

    it('request.not_found leaves the answer to a hook that returned other than false, even a later one', async () => {
      using(
        hooks().filter('request.not_found', (_handled, meta) => {
          if (!(meta.request as { url: string }).url.startsWith('/later/')) return false;
          setImmediate(() => (meta.response as { send(body: unknown): void }).send({ later: true }));
          return true;
        }),
      );
      const later = await server.request('GET', '/later/answer');
      expect(later.status).toBe(200);
      expect(later.body).toEqual({ later: true });
      const stopped = await server.request('GET', '/nothing/here');
      expect(stopped.status).toBe(404);
      expect(stopped.body).toMatchObject({ status: 404, code: 'SLUICE_ERR_NOT_FOUND' });
    });

    it('server.now answers the time when a filter stops the chain', async () => {
      using(hooks().filter('server.now', () => false));
      const now = await server.request('GET', '/api/now');
      expect(now.status).toBe(200);
      expect(Object.keys(now.body)).toEqual(['now']);
      expect(Number.isNaN(Date.parse(now.body.now))).toBe(false);
    });

    it('api.error can change the error message', async () => {
      using(hooks().filter('api.error', (body) => ({ ...body, message: `Custom: ${body.message}` })));
      const missing = await server.request('GET', '/api/collections/no_such/records');
      expect(missing.status).toBe(404);
      expect(missing.body.message).toMatch(/^Custom: /);
      expect(missing.body.status).toBe(404);
    });

    it('an error filter that stops the chain keeps what the filters before it changed', async () => {
      using(
        hooks().filter(
          'request.error',
          (errors) => [{ ...(errors[0] as object), message: 'Shaped by request.error.' }],
          { priority: 1 },
        ),
      );
      using(hooks().filter('request.error', () => false, { priority: 2 }));
      using(hooks().filter('api.error', (body) => ({ ...body, code: 'APP_MISSING' }), { priority: 1 }));
      using(hooks().filter('api.error', () => false, { priority: 2 }));
      using(hooks().filter('api.error', (body) => ({ ...body, code: 'NEVER_REACHED' }), { priority: 3 }));
      const missing = await server.request('GET', '/api/collections/no_such/records');
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({
        status: 404,
        code: 'APP_MISSING',
        message: 'Shaped by request.error.',
      });
    });

    it('error hooks that throw still answer in the error shape, leaking nothing', async () => {
      using(
        hooks().filter('api.error', () => {
          throw new Error('api.error hook secret');
        }),
      );
      const broken = await server.request('GET', '/api/collections/no_such/records');
      expect(broken.status).toBe(500);
      expect(broken.body).toEqual({
        status: 500,
        code: 'SLUICE_ERR_HOOK',
        message: expect.any(String),
        data: {},
      });
      expect(broken.text).not.toContain('secret');
      for (const unregister of registered.splice(0)) unregister();

      using(
        hooks().filter('request.not_found', () => {
          throw new ForbiddenError('Nothing to see here.');
        }),
      );
      const refused = await server.request('GET', '/nothing/here');
      expect(refused.status).toBe(403);
      expect(refused.body).toEqual({
        status: 403,
        code: 'SLUICE_ERR_FORBIDDEN',
        message: 'Nothing to see here.',
        data: {},
      });
      expect((await server.request('GET', '/api/health')).status).toBe(200);
    });

    it('response fires after a request with its duration', async () => {
      const responses: Array<{ url: string; status: number; duration: number }> = [];
      using(
        hooks().action('response', (meta) => {
          const request = meta.request as { url: string };
          const reply = meta.response as { statusCode: number };
          responses.push({ url: request.url, status: reply.statusCode, duration: meta.duration });
        }),
      );
      const health = await server.request('GET', '/api/health?probe=1');
      expect(health.status).toBe(200);
      await vi.waitFor(() => expect(responses.some((item) => item.url === '/api/health?probe=1')).toBe(true));
      const entry = responses.find((item) => item.url === '/api/health?probe=1')!;
      expect(entry.status).toBe(200);
      expect(entry.duration).toEqual(expect.any(Number));
      expect(entry.duration).toBeGreaterThanOrEqual(0);
    });
  });

  describe('slow filters', () => {
    it('cannot write through their transaction once the operation timed out', async () => {
      const others = await server.count('other');
      const late: unknown[] = [];
      using(
        hooks().filter(
          'records.create',
          async (_payload, _meta, ctx) => {
            await sleep(300);
            try {
              await server.app.services.records.create('other', { note: 'written after the timeout' }, ctx);
              late.push('written');
            } catch (error) {
              late.push(error);
            }
          },
          { tags: ['posts'] },
        ),
      );
      const slow = await createPost({ title: 'late writer' });
      expect(slow.status).toBe(504);
      await vi.waitFor(() => expect(late).toHaveLength(1), { timeout: 2000 });
      expect(late[0]).not.toBe('written');
      expect(await server.count('other', 'note = "written after the timeout"')).toBe(0);
      expect(await server.count('other')).toBe(others);
    });

    it('past hooks.timeoutMs answer 504 and write nothing', async () => {
      const posts = await server.count('posts');
      const others = await server.count('other');
      using(
        hooks().filter(
          'records.create',
          async (_payload, _meta, ctx) => {
            await server.app.services.records.create('other', { note: 'written before the timeout' }, ctx);
            await sleep(300);
          },
          { tags: ['posts'] },
        ),
      );
      const slow = await createPost({ title: 'too slow' });
      expect(slow.status).toBe(504);
      expect(slow.body.code).toBe('SLUICE_ERR_HOOK_TIMEOUT');
      await sleep(150);
      expect(await server.count('posts')).toBe(posts);
      expect(await server.count('other')).toBe(others);
      const health = await server.request('GET', '/api/health');
      expect(health.status).toBe(200);
    });
  });
});

describe.each(dialects)('hook back-pressure (%s)', (dialect: Dialect) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer(dialect, { hooks: { maxConcurrentFilters: 1, maxQueuedFilters: 0 } });
    await createCollection(server, { name: 'slow', fields: [{ name: 'n', type: 'number' }], listRule: '' });
    server.app.hooks.filter(
      'records.list',
      async (result) => {
        await sleep(300);
        return result;
      },
      { tags: ['slow'] },
    );
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('refuses chains past the bound with 503 and stays up', async () => {
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => server.request('GET', '/api/collections/slow/records')),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 503)).toHaveLength(4);
    const refused = answers.find((answer) => answer.status === 503)!;
    expect(refused.body).toMatchObject({ status: 503, code: 'SLUICE_ERR_SERVICE_UNAVAILABLE' });

    expect((await server.request('GET', '/api/health')).status).toBe(200);
    const again = await server.request('GET', '/api/collections/slow/records');
    expect(again.status).toBe(200);
    const created = await server.request('POST', '/api/collections/slow/records', {
      token: server.adminToken,
      body: { n: 1 },
    });
    expect(created.status).toBe(200);
  });
});

describe.each(dialects)('database.error (%s)', (dialect: Dialect) => {
  let server: TestServer;
  const seen: Array<{ client: string }> = [];

  beforeAll(async () => {
    server = await startServer(dialect, {
      setup(app) {
        app.hooks.init('routes.custom.before', (meta: { app: any }) => {
          meta.app.get('/broken-query', () =>
            app.database.db.selectFrom('no_such_table').selectAll().execute(),
          );
        });
        app.hooks.filter('database.error', (_error, meta) => {
          seen.push({ client: meta.client });
          return new ConflictError('The query could not run.');
        });
      },
    });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('lets a filter replace a database error that reached the HTTP layer with a typed one', async () => {
    const answer = await server.request('GET', '/broken-query');
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ code: 'SLUICE_ERR_CONFLICT', message: 'The query could not run.' });
    expect(seen).toEqual([{ client: dialect }]);
  });
});
