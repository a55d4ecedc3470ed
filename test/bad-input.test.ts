import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCollection,
  type Dialect,
  dialects,
  type RequestOptions,
  startServer,
  type TestServer,
} from './helpers.ts';

const BODY_LIMIT = 16 * 1024;
const RECORDS = '/api/collections/posts/records';

describe.each(dialects)('bad input (%s)', (dialect: Dialect) => {
  let server: TestServer;
  let seeded: Array<{ id: string; title: string; slug: string }>;
  const users = { before: 0 };

  const post = (options: RequestOptions) => server.request('POST', RECORDS, options);
  const list = (query: Record<string, string>) => server.request('GET', RECORDS, { query });

  beforeAll(async () => {
    server = await startServer(dialect, { bodyLimit: BODY_LIMIT });
    await createCollection(server, {
      name: 'posts',
      fields: [
        { name: 'title', type: 'text', required: true, max: 100 },
        { name: 'slug', type: 'text' },
        { name: 'views', type: 'number', onlyInt: true },
        { name: 'published', type: 'bool' },
        { name: 'contact', type: 'email' },
        { name: 'site', type: 'url' },
        { name: 'day', type: 'date' },
        { name: 'genre', type: 'select', values: ['a', 'b'], maxSelect: 1 },
        { name: 'meta', type: 'json' },
      ],
      indexes: ['CREATE UNIQUE INDEX idx_posts_slug ON posts (slug)'],
      listRule: '',
      viewRule: '',
      createRule: '',
      updateRule: '',
    });
    seeded = [];
    for (const [title, slug] of [
      ['first', 'first'],
      ['second', 'second'],
      ["it's third", 'third'],
    ]) {
      const created = await post({ body: { title, slug, views: 1 } });
      expect(created.status).toBe(200);
      seeded.push({ id: created.body.id, title, slug });
    }
    users.before = await server.count('users');
  });

  afterAll(async () => {
    await server?.stop();
  });

  describe('bodies', () => {
    it('rejects malformed JSON with 400', async () => {
      for (const raw of ['{"title": ', '{title: "x"}', "{'title': 'x'}", '{"title": "x",}', '\u0000']) {
        const response = await post({ raw });
        expect(response.status, raw).toBe(400);
        expect(response.body).toMatchObject({ status: 400, code: 'SLUICE_ERR_INVALID_PAYLOAD' });
        expect(response.body.message).toMatch(/JSON/);
      }
    });

    it('rejects a JSON body that is not an object with 400', async () => {
      for (const raw of ['[{"title": "x"}]', '"title"', '42', 'true', 'null']) {
        const response = await post({ raw });
        expect(response.status, raw).toBe(400);
        expect(response.body.code).toBe('SLUICE_ERR_INVALID_PAYLOAD');
      }
      for (const raw of ['[1, 2]', 'null']) {
        const patch = await server.request('PATCH', `${RECORDS}/${seeded[0].id}`, { raw });
        expect(patch.status, raw).toBe(400);
      }
    });

    it('rejects prototype pollution attempts', async () => {
      const response = await post({ raw: '{"__proto__": {"polluted": true}, "title": "proto"}' });
      expect(response.status).toBe(400);
      const viaConstructor = await post({
        raw: '{"constructor": {"prototype": {"polluted": true}}, "title": "c"}',
      });
      expect(viaConstructor.status).toBe(400);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('rejects a body that is not JSON', async () => {
      const form = await post({
        raw: 'title=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(form.status).toBe(400);
      const text = await post({ raw: 'title=x', headers: { 'content-type': 'text/plain' } });
      expect(text.status).toBe(400);
    });

    it('names an unknown field in data', async () => {
      const response = await post({ body: { title: 'x', nonexistent: 'y' } });
      expect(response.status).toBe(400);
      expect(response.body.data).toHaveProperty('nonexistent');
      expect(response.body.data.nonexistent.code).toEqual(expect.any(String));
    });

    it('names at most 50 fields, with a word on how many more', async () => {
      const body = Object.fromEntries(Array.from({ length: 1000 }, (_, index) => [`x${index}`, 0]));
      const response = await post({ body: { title: 'x', ...body } });
      expect(response.status).toBe(400);
      expect(Object.keys(response.body.data)).toHaveLength(50);
      expect(response.body.message).toMatch(/50 of 1000 fields/);
      expect(response.text.length).toBeLessThan(10_000);
    });

    it('names every field of the wrong type in data', async () => {
      const response = await post({
        body: {
          title: { not: 'text' },
          views: 'many',
          published: 'perhaps',
          contact: 'not-an-email',
          site: 'not a url',
          day: 'yesterday-ish',
          genre: 'zzz',
        },
      });
      expect(response.status).toBe(400);
      expect(Object.keys(response.body.data).sort()).toEqual(
        ['contact', 'day', 'genre', 'published', 'site', 'title', 'views'].sort(),
      );
      for (const detail of Object.values(response.body.data) as Array<{ code: string; message: string }>) {
        expect(detail.code).toMatch(/^validation_/);
        expect(detail.message).toEqual(expect.any(String));
      }
    });

    it('checks limits and required fields', async () => {
      const missing = await post({ body: { views: 3 } });
      expect(missing.status).toBe(400);
      expect(missing.body.data).toHaveProperty('title');
      const long = await post({ body: { title: 'x'.repeat(101) } });
      expect(long.status).toBe(400);
      expect(long.body.data).toHaveProperty('title');
      const fraction = await post({ body: { title: 'x', views: 1.5 } });
      expect(fraction.status).toBe(400);
      expect(fraction.body.data).toHaveProperty('views');
    });

    it('answers 413 to a body over the limit', async () => {
      const response = await post({ body: { title: 'big', meta: { blob: 'x'.repeat(BODY_LIMIT * 2) } } });
      expect(response.status).toBe(413);
      expect(response.body).toMatchObject({ status: 413, code: 'SLUICE_ERR_PAYLOAD_TOO_LARGE' });
    });

    it('answers 400 with data.email to a duplicate email, and with data.slug to a duplicate unique value', async () => {
      const body = { email: 'dup@example.com', password: 'password-123', passwordConfirm: 'password-123' };
      const first = await server.request('POST', '/api/collections/users/records', { body });
      expect(first.status).toBe(200);
      users.before += 1;
      for (const email of ['dup@example.com', 'DUP@Example.com']) {
        const again = await server.request('POST', '/api/collections/users/records', {
          body: { ...body, email },
        });
        expect(again.status, email).toBe(400);
        expect(again.body.data.email.code).toBe('validation_not_unique');
        expect(again.text).not.toMatch(/UNIQUE constraint|duplicate key|sqlite|postgres/i);
      }
      const other = await server.request('POST', '/api/collections/users/records', {
        body: { ...body, email: 'other-dup@example.com' },
      });
      expect(other.status).toBe(200);
      users.before += 1;
      const login = await server.request('POST', '/api/collections/users/auth-with-password', {
        body: { identity: 'other-dup@example.com', password: body.password },
      });
      const renamed = await server.request('PATCH', `/api/collections/users/records/${other.body.id}`, {
        token: server.adminToken,
        body: { email: 'Dup@Example.com' },
      });
      expect(login.status).toBe(200);
      expect(renamed.status).toBe(400);
      expect(renamed.body.data.email.code).toBe('validation_not_unique');

      const slug = await post({ body: { title: 'copy', slug: 'first' } });
      expect(slug.status).toBe(400);
      expect(slug.body.data).toHaveProperty('slug');
      expect(slug.text).not.toMatch(/UNIQUE constraint|duplicate key|sqlite|postgres/i);
    });

    it('refuses relations to records that do not exist', async () => {
      const links = await createCollection(server, {
        name: 'links',
        fields: [
          { name: 'one', type: 'relation', collectionId: 'posts', maxSelect: 1 },
          { name: 'many', type: 'relation', collectionId: 'posts', maxSelect: 5 },
        ],
        createRule: '',
        updateRule: '',
      });
      const path = `/api/collections/${links.name}/records`;
      const single = await server.request('POST', path, { body: { one: 'doesnotexist123' } });
      expect(single.status).toBe(400);
      expect(single.body.data.one.code).toBe('validation_missing_rel_records');
      const multiple = await server.request('POST', path, {
        body: { many: [seeded[0].id, 'doesnotexist123'] },
      });
      expect(multiple.status).toBe(400);
      expect(multiple.body.data.many.code).toBe('validation_missing_rel_records');
      const valid = await server.request('POST', path, {
        body: { one: seeded[0].id, many: [seeded[1].id, seeded[2].id] },
      });
      expect(valid.status).toBe(200);
      const dangling = await server.request('PATCH', `${path}/${valid.body.id}`, {
        body: { 'many+': 'doesnotexist123' },
      });
      expect(dangling.status).toBe(400);
      expect(dangling.body.data.many.code).toBe('validation_missing_rel_records');
      expect(await server.count('links')).toBe(1);
      const stored = await server.request('GET', `${path}/${valid.body.id}`, { token: server.adminToken });
      expect(stored.body.many).toEqual([seeded[1].id, seeded[2].id]);
    });

    it('refuses mismatched password confirmation', async () => {
      const response = await server.request('POST', '/api/collections/users/records', {
        body: { email: 'mismatch@example.com', password: 'password-123', passwordConfirm: 'other-password' },
      });
      expect(response.status).toBe(400);
      expect(response.body.data).toHaveProperty('passwordConfirm');
    });

    it('refuses a collection whose API rule does not parse or names an unknown field, naming the rule', async () => {
      const created = await server.request('POST', '/api/collections', {
        token: server.adminToken,
        body: { name: 'broken_rules', fields: [{ name: 'title', type: 'text' }], listRule: 'title = "a" &&' },
      });
      expect(created.status).toBe(400);
      expect(created.body.data).toEqual({
        listRule: {
          code: 'validation_invalid_rule',
          message: expect.stringMatching(/^Invalid listRule: .*position/),
        },
      });
      expect(
        (await server.request('GET', '/api/collections/broken_rules', { token: server.adminToken })).status,
      ).toBe(404);
      const updated = await server.request('PATCH', '/api/collections/posts', {
        token: server.adminToken,
        body: { viewRule: 'nope = 1' },
      });
      expect(updated.status).toBe(400);
      expect(updated.body.data).toEqual({
        viewRule: {
          code: 'validation_invalid_rule',
          message: 'Invalid viewRule: unknown field "nope" at position 0.',
        },
      });
      expect((await server.request('GET', `${RECORDS}/${seeded[0].id}`)).status).toBe(200);
    });
  });

  describe('query parameters', () => {
    it('lets a guest’s filter and sort reach no data the guest may not list', async () => {
      const probes: Record<string, string>[] = [
        { filter: '@collection._superusers.email ~ "a"' },
        { filter: '@collection.users.email ~ "a"' },
        { filter: '@collection._superusers.id != ""' },
        { sort: '@collection._superusers.email' },
      ];
      for (const probe of probes) {
        const response = await list(probe);
        expect(response.status).toBe(400);
        expect(response.text).not.toContain('@example');
      }
      const asAdmin = await server.request('GET', RECORDS, {
        query: { filter: '@collection._superusers.email ~ "@"' },
        token: server.adminToken,
      });
      expect(asAdmin.status).toBe(200);
      expect(asAdmin.body.totalItems).toBe(3);
    });

    it('rejects an invalid filter with 400 saying where', async () => {
      const response = await list({ filter: 'title = ' });
      expect(response.status).toBe(400);
      expect(response.body.data.filter.message).toMatch(/position \d+/);
      const unknown = await list({ filter: 'nope = 1' });
      expect(unknown.status).toBe(400);
      expect(unknown.body.data.filter.message).toContain('nope');
      const unbalanced = await list({ filter: '(title = "x"' });
      expect(unbalanced.status).toBe(400);
      expect(unbalanced.body.data).toHaveProperty('filter');
    });

    it('turns injection attempts in filter into 400s or plain comparisons', async () => {
      for (const filter of [
        "title = '' OR 1=1 --",
        "title = 'a'); DROP TABLE posts; --",
        'title = "x"; DELETE FROM posts',
        'title = 1 UNION SELECT * FROM _superusers',
        '1=1) OR (1=1',
      ]) {
        const response = await list({ filter });
        expect(response.status, filter).toBe(400);
      }
      for (const filter of [
        'title = "x\\" OR 1=1 --"',
        "title = 'x'' OR ''1''=''1'",
        'title = "\'; DROP TABLE posts; --"',
      ]) {
        const response = await list({ filter });
        expect([200, 400], filter).toContain(response.status);
        if (response.status === 200) expect(response.body.totalItems, filter).toBe(0);
      }
      const quoted = await list({ filter: `title = "it's third"` });
      expect(quoted.status).toBe(200);
      expect(quoted.body.items.map((item: { id: string }) => item.id)).toEqual([seeded[2].id]);
    });

    it('turns injection attempts in sort, fields and expand into 400s', async () => {
      for (const query of [
        { sort: 'title;DROP TABLE posts' },
        { sort: '-title, (SELECT 1)' },
        { sort: 'title DESC' },
        { sort: 'nope' },
        { fields: 'id,title;DROP TABLE posts' },
        { expand: 'title;DROP TABLE posts' },
      ] as Array<Record<string, string>>) {
        const response = await list(query);
        expect(response.status, JSON.stringify(query)).toBe(400);
        expect(response.body.code).toBe('SLUICE_ERR_INVALID_PAYLOAD');
      }
    });

    it('cannot reach hidden auth fields through filter or sort', async () => {
      const byPassword = await server.request('GET', '/api/collections/users/records', {
        query: { filter: 'password != ""' },
      });
      expect(byPassword.status).toBe(400);
      const byTokenKey = await server.request('GET', '/api/collections/users/records', {
        query: { sort: 'tokenKey' },
      });
      expect(byTokenKey.status).toBe(400);
    });

    it('rejects bad page and perPage values with 400', async () => {
      for (const query of [
        { page: '0' },
        { page: '-1' },
        { page: 'abc' },
        { page: '1.5' },
        { perPage: '0' },
        { perPage: '-5' },
        { perPage: '100000' },
        { perPage: 'ten' },
        { page: '1e20' },
        { page: String(2 ** 53) },
        { perPage: '1e20' },
      ] as Array<Record<string, string>>) {
        const response = await list(query);
        expect(response.status, JSON.stringify(query)).toBe(400);
        expect(Object.keys(response.body.data)).toEqual(Object.keys(query));
      }
      const overflowing = await list({ page: '9007199254740991', perPage: '2' });
      expect(overflowing.status).toBe(400);
      expect(Object.keys(overflowing.body.data)).toEqual(['page']);
      const farPages: Array<Record<string, string>> = [
        { page: '999' },
        { page: String(2 ** 52), perPage: '2' },
      ];
      for (const query of farPages) {
        const beyond = await list(query);
        expect(beyond.status, JSON.stringify(query)).toBe(200);
        expect(beyond.body.items).toEqual([]);
      }
    });
  });

  describe('routes', () => {
    it('answers 404 to an unknown collection', async () => {
      expect((await server.request('GET', '/api/collections/nope/records')).status).toBe(404);
      expect((await server.request('GET', '/api/collections/nope/records/abc')).status).toBe(404);
      const create = await server.request('POST', '/api/collections/nope/records', {
        body: { title: 'x' },
        token: server.adminToken,
      });
      expect(create.status).toBe(404);
      expect(create.body).toMatchObject({ status: 404, code: 'SLUICE_ERR_NOT_FOUND' });
      const injected = await server.request(
        'GET',
        `/api/collections/${encodeURIComponent('posts; DROP TABLE posts')}/records`,
      );
      expect(injected.status).toBe(404);
    });

    it('answers 404 to an unknown record', async () => {
      expect((await server.request('GET', `${RECORDS}/doesnotexist123`)).status).toBe(404);
      expect((await server.request('GET', `${RECORDS}/${encodeURIComponent("' OR 1=1 --")}`)).status).toBe(
        404,
      );
      const patch = await server.request('PATCH', `${RECORDS}/doesnotexist123`, { body: { title: 'x' } });
      expect(patch.status).toBe(404);
      const remove = await server.request('DELETE', `${RECORDS}/doesnotexist123`, {
        token: server.adminToken,
      });
      expect(remove.status).toBe(404);
    });

    it('answers 404 to an unknown route', async () => {
      for (const [method, path] of [
        ['GET', '/api/nothing'],
        ['POST', '/api/collections/posts/nothing'],
        ['GET', '/definitely/not/here'],
      ]) {
        const response = await server.request(method, path);
        expect(response.status, path).toBe(404);
        expect(response.body).toMatchObject({ status: 404, code: 'SLUICE_ERR_NOT_FOUND' });
      }
    });
  });

  it('changed nothing: the rows are as they were and the tables intact', async () => {
    expect(await server.count('posts')).toBe(seeded.length);
    expect(await server.count('users')).toBe(users.before);
    const rows = await server.request('GET', RECORDS, { query: { sort: 'created', perPage: 10 } });
    expect(rows.status).toBe(200);
    expect(
      rows.body.items.map((item: { id: string; title: string; slug: string }) => ({
        id: item.id,
        title: item.title,
        slug: item.slug,
      })),
    ).toEqual(seeded);
    const admins = await server.request('GET', '/api/collections/_superusers/records', {
      token: server.adminToken,
    });
    expect(admins.body.totalItems).toBe(1);
    const table = await server.app.database.db.selectFrom('posts').select('id').execute();
    expect(table).toHaveLength(seeded.length);
  });
});
