import type PocketBase from 'pocketbase';
import type { CollectionModel } from 'pocketbase';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  type Dialect,
  dialects,
  startServer,
  type TestServer,
} from './helpers.ts';
import { client, statusOf } from './sdk-client.ts';

describe.each(dialects)('PocketBase JS SDK against Sluice (%s)', (dialect: Dialect) => {
  let server: TestServer;
  let admin: PocketBase;

  beforeAll(async () => {
    server = await startServer(dialect);
    admin = client(server.url);
    await admin.collection('_superusers').authWithPassword(ADMIN_EMAIL, ADMIN_PASSWORD);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('authenticates a superuser with a password', async () => {
    expect(admin.authStore.isValid).toBe(true);
    expect(admin.authStore.isSuperuser).toBe(true);
    expect(admin.authStore.record?.email).toBe(ADMIN_EMAIL);
    expect(admin.authStore.record?.password).toBeUndefined();
    const wrong = client(server.url);
    expect(await statusOf(wrong.collection('_superusers').authWithPassword(ADMIN_EMAIL, 'wrong'))).toBe(400);
    expect(wrong.authStore.isValid).toBe(false);
  });

  describe('collections', () => {
    let booksId: string;

    it('creates base collections with every kind of field', async () => {
      const authors = await admin.collections.create({
        name: 'authors',
        type: 'base',
        fields: [{ name: 'name', type: 'text', required: true }],
        listRule: '',
        viewRule: '',
      });
      const books = await admin.collections.create({
        name: 'books',
        type: 'base',
        fields: [
          { name: 'title', type: 'text', required: true, max: 200 },
          { name: 'pages', type: 'number', onlyInt: true },
          { name: 'published', type: 'bool' },
          { name: 'contact', type: 'email' },
          { name: 'website', type: 'url' },
          { name: 'releasedAt', type: 'date' },
          { name: 'genre', type: 'select', values: ['fantasy', 'science', 'poetry'], maxSelect: 1 },
          { name: 'meta', type: 'json' },
          { name: 'author', type: 'relation', collectionId: authors.id, maxSelect: 1 },
        ],
      });
      booksId = books.id;
      expect(books.name).toBe('books');
      expect(books.type).toBe('base');
      const types = Object.fromEntries(books.fields.map((field) => [field.name, field.type]));
      expect(types).toMatchObject({
        id: 'text',
        title: 'text',
        pages: 'number',
        published: 'bool',
        contact: 'email',
        website: 'url',
        releasedAt: 'date',
        genre: 'select',
        meta: 'json',
        author: 'relation',
        created: 'autodate',
        updated: 'autodate',
      });
      expect(books.fields.find((field) => field.name === 'author')?.collectionId).toBe(authors.id);
    });

    it('views a collection by name and by id', async () => {
      const byName = await admin.collections.getOne('books');
      const byId = await admin.collections.getOne(booksId);
      expect(byName.id).toBe(booksId);
      expect(byId.name).toBe('books');
      expect(await statusOf(admin.collections.getOne('no_such_collection'))).toBe(404);
    });

    it('lists collections, the default users collection among them', async () => {
      const all = await admin.collections.getFullList();
      const names = all.map((collection) => collection.name);
      expect(names).toEqual(expect.arrayContaining(['users', '_superusers', 'authors', 'books']));
      const page = await admin.collections.getList(1, 2);
      expect(page.items).toHaveLength(2);
      expect(page.totalItems).toBe(all.length);
    });

    it('filters and sorts the collection list', async () => {
      const books = await admin.collections.getFirstListItem('name = "books"');
      expect(books.id).toBe(booksId);
      const base = await admin.collections.getFullList({
        filter: 'type = "base" && system = false',
        sort: '-name',
      });
      expect(base.map((collection) => collection.name)).toEqual(['books', 'authors']);
      const auth = await admin.collections.getList(1, 10, { filter: 'type = "auth"', sort: 'name' });
      expect(auth.items.map((collection) => collection.name)).toEqual(['_superusers', 'users']);
      expect(auth.totalItems).toBe(2);
      expect(await statusOf(admin.collections.getList(1, 10, { filter: 'nope = 1' }))).toBe(400);
      expect(await statusOf(admin.collections.getFirstListItem('name = "nothing"'))).toBe(404);
    });

    it('adds, renames and removes fields; the data of a renamed field survives', async () => {
      const before = await admin.collection('books').create({
        title: 'Before the change',
        pages: 321,
        website: 'https://example.com/book',
      });
      const collection = await admin.collections.getOne('books');
      const fields = collection.fields
        .filter((field) => field.name !== 'website')
        .map((field) => (field.name === 'pages' ? { ...field, name: 'pageCount' } : field));
      fields.push({ name: 'isbn', type: 'text' } as unknown as (typeof fields)[number]);
      const updated = await admin.collections.update('books', { fields });
      const names = updated.fields.map((field) => field.name);
      expect(names).toContain('pageCount');
      expect(names).toContain('isbn');
      expect(names).not.toContain('pages');
      expect(names).not.toContain('website');
      expect(updated.fields.find((field) => field.name === 'pageCount')?.id).toBe(
        collection.fields.find((field) => field.name === 'pages')?.id,
      );

      const after = await admin.collection('books').getOne(before.id);
      expect(after.pageCount).toBe(321);
      expect(after.title).toBe('Before the change');
      expect(after.isbn).toBe('');
      expect(after).not.toHaveProperty('pages');
      expect(after).not.toHaveProperty('website');
      await admin.collection('books').delete(before.id);
    });

    it('deletes a collection', async () => {
      await admin.collections.create({ name: 'scratch', type: 'base', fields: [] });
      expect(await admin.collections.delete('scratch')).toBe(true);
      expect(await statusOf(admin.collections.getOne('scratch'))).toBe(404);
      expect(await statusOf(admin.collection('scratch').getList())).toBe(404);
    });

    it('imports collections without deleting the missing ones', async () => {
      const ok = await admin.collections.import(
        [
          { name: 'imported', type: 'base', fields: [{ name: 'label', type: 'text' }] },
        ] as unknown as CollectionModel[],
        false,
      );
      expect(ok).toBe(true);
      const imported = await admin.collections.getOne('imported');
      expect(imported.fields.map((field) => field.name)).toContain('label');
      const record = await admin.collection('imported').create({ label: 'from an import' });
      expect(record.label).toBe('from an import');
      const names = (await admin.collections.getFullList()).map((collection) => collection.name);
      expect(names).toEqual(expect.arrayContaining(['authors', 'books', 'imported', 'users']));
    });

    it('imports with deleteMissing, dropping collections that reference each other', async () => {
      const other = await startServer(dialect);
      try {
        const pb = client(other.url);
        await pb.collection('_superusers').authWithPassword(ADMIN_EMAIL, ADMIN_PASSWORD);
        const writers = await pb.collections.create({
          name: 'writers',
          type: 'base',
          fields: [{ name: 'n', type: 'text' }],
        });
        await pb.collections.create({
          name: 'articles',
          type: 'base',
          fields: [{ name: 'writer', type: 'relation', collectionId: writers.id, maxSelect: 1 }],
        });
        await pb.collections.create({ name: 'kept', type: 'base', fields: [{ name: 'k', type: 'text' }] });
        const writer = await pb.collection('writers').create({ n: 'w' });
        await pb.collection('articles').create({ writer: writer.id });

        const keptNow = await pb.collections.getOne('kept');
        await pb.collections.import(
          [
            { name: 'users' },
            { ...keptNow, fields: [...keptNow.fields, { name: 'extra', type: 'number' }] },
            { name: 'fresh', type: 'base', fields: [{ name: 'f', type: 'text' }] },
          ] as unknown as CollectionModel[],
          true,
        );
        const names = (await pb.collections.getFullList({ sort: 'name' })).map(
          (collection) => collection.name,
        );
        // system collections are never dropped
        expect(names).toEqual(['_externalAuths', '_mfas', '_otps', '_superusers', 'fresh', 'kept', 'users']);
        expect((await pb.collections.getOne('kept')).fields.map((field) => field.name)).toContain('extra');
        expect(await statusOf(pb.collection('writers').getList())).toBe(404);
        expect(await statusOf(pb.collection('articles').getList())).toBe(404);
        const rows = await other.app.database.db
          .selectFrom('_collections')
          .select('name')
          .where('name', 'in', ['writers', 'articles'])
          .execute();
        expect(rows).toEqual([]);
      } finally {
        await other.stop();
      }
    });

    it('refuses collection management to anyone but a superuser', async () => {
      expect(await statusOf(client(server.url).collections.getFullList())).toBe(401);
    });
  });

  describe('records', () => {
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      const ursula = await admin.collection('authors').create({ name: 'Ursula' });
      const terry = await admin.collection('authors').create({ name: 'Terry' });
      ids.ursula = ursula.id;
      ids.terry = terry.id;
      const books = [
        {
          title: 'A Wizard of Earthsea',
          pageCount: 183,
          published: true,
          genre: 'fantasy',
          author: ursula.id,
        },
        { title: 'The Dispossessed', pageCount: 387, published: true, genre: 'science', author: ursula.id },
        { title: 'The Colour of Magic', pageCount: 206, published: true, genre: 'fantasy', author: terry.id },
        { title: 'Unfinished Draft', pageCount: 12, published: false, genre: 'poetry', author: terry.id },
      ];
      for (const book of books) ids[book.title] = (await admin.collection('books').create(book)).id;
    });

    it('creates a record and answers every field in its type', async () => {
      const created = await admin.collection('books').create({
        title: 'Typed',
        pageCount: 42,
        published: true,
        contact: 'writer@example.com',
        releasedAt: '2024-01-02 03:04:05.000Z',
        genre: 'poetry',
        meta: { tags: ['a', 'b'], nested: { ok: true } },
        author: ids.ursula,
        isbn: '978-3-16',
      });
      expect(created).toMatchObject({
        collectionId: expect.any(String),
        collectionName: 'books',
        title: 'Typed',
        pageCount: 42,
        published: true,
        contact: 'writer@example.com',
        releasedAt: '2024-01-02 03:04:05.000Z',
        genre: 'poetry',
        meta: { tags: ['a', 'b'], nested: { ok: true } },
        author: ids.ursula,
        isbn: '978-3-16',
      });
      expect(created.id).toMatch(/^[a-z0-9]{15}$/);
      expect(created.created).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}Z$/);

      const read = await admin.collection('books').getOne(created.id);
      expect(read).toEqual(created);

      const updated = await admin.collection('books').update(created.id, { pageCount: 43, published: false });
      expect(updated.pageCount).toBe(43);
      expect(updated.published).toBe(false);
      expect(updated.title).toBe('Typed');
      expect((await admin.collection('books').getOne(created.id)).pageCount).toBe(43);

      expect(await admin.collection('books').delete(created.id)).toBe(true);
      expect(await statusOf(admin.collection('books').getOne(created.id))).toBe(404);
    });

    it('applies number modifiers, also when many arrive at once', async () => {
      const book = await admin.collection('books').create({ title: 'Counter', pageCount: 5 });
      const bumped = await admin.collection('books').update(book.id, { 'pageCount+': 10 });
      expect(bumped.pageCount).toBe(15);
      const lowered = await admin.collection('books').update(book.id, { 'pageCount-': 3 });
      expect(lowered.pageCount).toBe(12);
      await Promise.all(
        Array.from({ length: 20 }, () => admin.collection('books').update(book.id, { 'pageCount+': 1 })),
      );
      expect((await admin.collection('books').getOne(book.id)).pageCount).toBe(32);
      await admin.collection('books').delete(book.id);
    });

    it('lists with filter, sort and expand', async () => {
      const page = await admin.collection('books').getList(1, 10, {
        filter: 'published = true && pageCount > 190',
        sort: '-pageCount',
        expand: 'author',
      });
      expect(page.totalItems).toBe(2);
      expect(page.items.map((item) => item.title)).toEqual(['The Dispossessed', 'The Colour of Magic']);
      expect(page.items.map((item) => item.expand?.author?.name)).toEqual(['Ursula', 'Terry']);
    });

    it('filters through a relation and binds parameters', async () => {
      const page = await admin.collection('books').getList(1, 10, {
        filter: admin.filter('author.name = {:name}', { name: 'Terry' }),
        sort: 'title',
      });
      expect(page.items.map((item) => item.title)).toEqual(['The Colour of Magic', 'Unfinished Draft']);
    });

    it('pages through a list', async () => {
      const first = await admin.collection('books').getList(1, 3, { sort: 'title' });
      const second = await admin.collection('books').getList(2, 3, { sort: 'title' });
      expect(first.totalItems).toBe(4);
      expect(first.totalPages).toBe(2);
      expect(first.items).toHaveLength(3);
      expect(second.items).toHaveLength(1);
      expect(second.items[0].title).toBe('Unfinished Draft');
    });

    it('finds the first matching item, or 404', async () => {
      const found = await admin.collection('books').getFirstListItem('genre = "science"');
      expect(found.id).toBe(ids['The Dispossessed']);
      expect(await statusOf(admin.collection('books').getFirstListItem('title = "nothing like it"'))).toBe(
        404,
      );
    });

    it('gets the full list', async () => {
      const all = await admin.collection('books').getFullList({ sort: 'pageCount' });
      expect(all.map((item) => item.pageCount)).toEqual([12, 183, 206, 387]);
      const batched = await admin.collection('books').getFullList({ batch: 1, sort: 'pageCount' });
      expect(batched.map((item) => item.id)).toEqual(all.map((item) => item.id));
    });

    it('skips the total when asked', async () => {
      const page = await admin.collection('books').getList(1, 2, { skipTotal: true, sort: 'title' });
      expect(page.items).toHaveLength(2);
      expect(page.totalItems).toBe(-1);
      expect(page.totalPages).toBe(-1);
    });

    it('answers only the requested fields', async () => {
      const page = await admin.collection('books').getList(1, 10, { fields: 'id,title', sort: 'title' });
      for (const item of page.items) expect(Object.keys(item).sort()).toEqual(['id', 'title']);
      const expanded = await admin.collection('books').getOne(ids['A Wizard of Earthsea'], {
        expand: 'author',
        fields: 'title,expand.author.name',
      });
      expect(expanded).toEqual({ title: 'A Wizard of Earthsea', expand: { author: { name: 'Ursula' } } });
    });

    it('clears the relation of a book when its author is deleted', async () => {
      const author = await admin.collection('authors').create({ name: 'Temporary' });
      const book = await admin.collection('books').create({ title: 'Orphan', author: author.id });
      await admin.collection('authors').delete(author.id);
      expect((await admin.collection('books').getOne(book.id)).author).toBe('');
      await admin.collection('books').delete(book.id);
    });
  });

  describe('users (auth collection)', () => {
    const email = 'reader@example.com';
    const password = 'reader-password-1';
    let guest: PocketBase;
    let userId: string;

    beforeAll(() => {
      guest = client(server.url);
    });

    it('lets a guest sign up (createRule "") and hides secrets', async () => {
      const user = await guest.collection('users').create({
        email,
        password,
        passwordConfirm: password,
        name: 'Reader',
      });
      userId = user.id;
      expect(user.collectionName).toBe('users');
      expect(user.name).toBe('Reader');
      expect(user).not.toHaveProperty('email');
      expect(user).not.toHaveProperty('password');
      expect(user).not.toHaveProperty('tokenKey');
      expect(user).not.toHaveProperty('passwordConfirm');
    });

    it('authenticates with a password', async () => {
      const auth = await guest.collection('users').authWithPassword(email, password);
      expect(auth.token).toEqual(expect.any(String));
      expect(auth.record.id).toBe(userId);
      expect(auth.record.email).toBe(email);
      expect(auth.record).not.toHaveProperty('password');
      expect(guest.authStore.isValid).toBe(true);
      expect(guest.authStore.record?.id).toBe(userId);
      expect(await statusOf(client(server.url).collection('users').authWithPassword(email, 'nope'))).toBe(
        400,
      );
    });

    it('refreshes the token', async () => {
      const refreshed = await guest.collection('users').authRefresh();
      expect(refreshed.record.id).toBe(userId);
      expect(refreshed.token).toEqual(expect.any(String));
      expect(guest.authStore.token).toBe(refreshed.token);
      const me = await guest.collection('users').getOne(userId);
      expect(me.email).toBe(email);
      expect(await statusOf(client(server.url).collection('users').authRefresh())).toBe(401);
    });

    it('revokes every earlier token when the password changes', async () => {
      const pb = client(server.url);
      const email = 'changer@example.com';
      const user = await pb
        .collection('users')
        .create({ email, password: 'first-pass-1', passwordConfirm: 'first-pass-1' });
      await pb.collection('users').authWithPassword(email, 'first-pass-1');
      const oldToken = pb.authStore.token;
      const withoutOld = pb
        .collection('users')
        .update(user.id, { password: 'second-pass-2', passwordConfirm: 'second-pass-2' });
      expect(await statusOf(withoutOld)).toBe(400);
      await pb.collection('users').update(user.id, {
        oldPassword: 'first-pass-1',
        password: 'second-pass-2',
        passwordConfirm: 'second-pass-2',
      });
      const stale = await server.request('GET', `/api/collections/users/records/${user.id}`, {
        token: oldToken,
      });
      expect(stale.status).toBe(404);
      const refresh = await server.request('POST', '/api/collections/users/auth-refresh', {
        token: oldToken,
      });
      expect(refresh.status).toBe(401);
      expect(
        await statusOf(client(server.url).collection('users').authWithPassword(email, 'first-pass-1')),
      ).toBe(400);
      const fresh = await client(server.url).collection('users').authWithPassword(email, 'second-pass-2');
      expect(fresh.record.id).toBe(user.id);
    });

    it('lists the auth methods', async () => {
      const methods = await guest.collection('users').listAuthMethods();
      expect(methods.password.enabled).toBe(true);
      expect(methods.password.identityFields).toContain('email');
      expect(methods.oauth2.enabled).toBe(false);
    });
  });

  describe('API rules', () => {
    let alice: PocketBase;
    let bob: PocketBase;
    let aliceNote: string;
    let bobNote: string;

    async function signUp(name: string): Promise<PocketBase> {
      const pb = client(server.url);
      const email = `${name}@example.com`;
      await pb
        .collection('users')
        .create({ email, password: 'password-123', passwordConfirm: 'password-123' });
      await pb.collection('users').authWithPassword(email, 'password-123');
      return pb;
    }

    beforeAll(async () => {
      await admin.collections.create({
        name: 'notes',
        type: 'base',
        fields: [
          { name: 'body', type: 'text' },
          { name: 'owner', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1 },
        ],
        listRule: 'owner = @request.auth.id',
        viewRule: 'owner = @request.auth.id',
        createRule: '@request.auth.id != "" && owner = @request.auth.id',
        updateRule: 'owner = @request.auth.id',
        deleteRule: null,
      });
      await admin.collections.create({ name: 'locked', type: 'base', fields: [{ name: 'x', type: 'text' }] });
      alice = await signUp('alice');
      bob = await signUp('bob');
      aliceNote = (
        await alice.collection('notes').create({ body: 'alice one', owner: alice.authStore.record!.id })
      ).id;
      await alice.collection('notes').create({ body: 'alice two', owner: alice.authStore.record!.id });
      bobNote = (await bob.collection('notes').create({ body: 'bob one', owner: bob.authStore.record!.id }))
        .id;
    });

    it('lists only the records the rule lets each user see', async () => {
      const alices = await alice.collection('notes').getFullList({ sort: 'body' });
      expect(alices.map((note) => note.body)).toEqual(['alice one', 'alice two']);
      const bobs = await bob.collection('notes').getFullList();
      expect(bobs.map((note) => note.body)).toEqual(['bob one']);
      const guests = await client(server.url).collection('notes').getList();
      expect(guests.totalItems).toBe(0);
      expect(guests.items).toEqual([]);
      expect((await admin.collection('notes').getList()).totalItems).toBe(3);
    });

    it('refuses a create the rule rejects', async () => {
      expect(await statusOf(client(server.url).collection('notes').create({ body: 'anonymous' }))).toBe(400);
      const forged = bob.collection('notes').create({ body: 'forged', owner: alice.authStore.record!.id });
      expect(await statusOf(forged)).toBe(400);
      expect((await admin.collection('notes').getList()).totalItems).toBe(3);
    });

    it('hides a record the rule hides: view and update are 404, nothing changes', async () => {
      expect(await statusOf(bob.collection('notes').getOne(aliceNote))).toBe(404);
      expect(await statusOf(bob.collection('notes').update(aliceNote, { body: 'hijacked' }))).toBe(404);
      expect((await admin.collection('notes').getOne(aliceNote)).body).toBe('alice one');
      const own = await bob.collection('notes').update(bobNote, { body: 'bob edited' });
      expect(own.body).toBe('bob edited');
    });

    it('answers 403 to non-superusers where the rule is null', async () => {
      expect(await statusOf(alice.collection('notes').delete(aliceNote))).toBe(403);
      expect(await statusOf(client(server.url).collection('locked').getList())).toBe(403);
      expect(await statusOf(alice.collection('locked').getList())).toBe(403);
      expect(await statusOf(alice.collection('locked').create({ x: 'y' }))).toBe(403);
      expect((await admin.collection('notes').getOne(aliceNote)).body).toBe('alice one');
      expect(await admin.collection('notes').delete(aliceNote)).toBe(true);
      expect((await admin.collection('locked').getList()).totalItems).toBe(0);
    });

    it('shows a user their own email, in their record and through expand', async () => {
      const aliceId = alice.authStore.record!.id;
      const renamed = await alice.collection('users').update(aliceId, { name: 'Alice' });
      expect(renamed).toMatchObject({ name: 'Alice', email: 'alice@example.com' });
      const notes = await alice.collection('notes').getFullList({ expand: 'owner' });
      expect(notes.map((note) => note.expand?.owner?.email)).toEqual(['alice@example.com']);
      const asAdmin = await admin.collection('notes').getFullList({ expand: 'owner', sort: 'body' });
      expect(asAdmin.map((note) => note.expand?.owner?.email)).toEqual([
        'alice@example.com',
        'bob@example.com',
      ]);
    });

    it('keeps users from listing each other', async () => {
      const seen = await alice.collection('users').getFullList();
      expect(seen.map((user) => user.id)).toEqual([alice.authStore.record!.id]);
    });
  });

  describe('settings', () => {
    it('reads the settings without secrets', async () => {
      const settings = await admin.settings.getAll();
      expect(settings.meta.appName).toEqual(expect.any(String));
      expect(settings.smtp).toBeDefined();
      expect(settings.smtp).not.toHaveProperty('password');
      expect(settings.s3).not.toHaveProperty('secret');
    });

    it('updates the settings and never answers the SMTP password', async () => {
      const updated = await admin.settings.update({
        meta: { appName: `Sluice on ${dialect}` },
        smtp: { host: 'smtp.test', password: 'hunter2-secret' },
      });
      expect(updated.meta.appName).toBe(`Sluice on ${dialect}`);
      expect(updated.smtp.host).toBe('smtp.test');
      expect(updated.smtp).not.toHaveProperty('password');
      const raw = await server.request('GET', '/api/settings', { token: server.adminToken });
      expect(raw.status).toBe(200);
      expect(raw.text).not.toContain('hunter2-secret');
      expect(raw.body.meta.appName).toBe(`Sluice on ${dialect}`);
      expect(raw.body.meta.senderName).toEqual(expect.any(String));
    });

    it('rate limits password attempts per collection as the settings say', async () => {
      await admin.collections.create({ name: 'members', type: 'auth', createRule: '' });
      await client(server.url)
        .collection('members')
        .create({ email: 'member@example.com', password: 'member-pass-1', passwordConfirm: 'member-pass-1' });
      await admin.settings.update({ rateLimits: { enabled: true, maxAuthAttemptsPerMinute: 3 } });
      try {
        const attempt = () =>
          statusOf(client(server.url).collection('members').authWithPassword('member@example.com', 'wrong'));
        expect([await attempt(), await attempt(), await attempt()]).toEqual([400, 400, 400]);
        expect(await attempt()).toBe(429);
        const right = client(server.url)
          .collection('members')
          .authWithPassword('member@example.com', 'member-pass-1');
        expect(await statusOf(right)).toBe(429);
      } finally {
        await admin.settings.update({ rateLimits: { maxAuthAttemptsPerMinute: 20 } });
      }
    });

    it('refuses the settings to anyone but a superuser', async () => {
      expect(await statusOf(client(server.url).settings.getAll())).toBe(401);
      const user = client(server.url);
      await user.collection('users').authWithPassword('reader@example.com', 'reader-password-1');
      expect(await statusOf(user.settings.getAll())).toBe(403);
      expect(await statusOf(user.settings.update({ meta: { appName: 'hacked' } }))).toBe(403);
      expect((await admin.settings.getAll()).meta.appName).toBe(`Sluice on ${dialect}`);
    });
  });

  describe('backups', () => {
    it.runIf(dialect === 'sqlite')('creates, lists, downloads, restores and deletes a backup', async () => {
      await admin.backups.create('sdk_backup.zip');
      const listed = await admin.backups.getFullList();
      expect(listed).toEqual([
        { key: 'sdk_backup.zip', size: expect.any(Number), modified: expect.any(String) },
      ]);
      const download = await fetch(admin.backups.getDownloadURL(admin.authStore.token, 'sdk_backup.zip'));
      expect(download.status).toBe(200);
      expect(
        Buffer.from(await download.arrayBuffer())
          .subarray(0, 2)
          .toString(),
      ).toBe('PK');
      expect(await admin.backups.restore('sdk_backup.zip')).toBe(true);
      expect(admin.authStore.isValid).toBe(true);
      expect(await admin.backups.delete('sdk_backup.zip')).toBe(true);
      expect(await admin.backups.getFullList()).toEqual([]);
    });

    it.runIf(dialect === 'postgres')('says PostgreSQL is backed up with its own tools', async () => {
      expect(await statusOf(admin.backups.create('sdk_backup.zip'))).toBe(400);
    });
  });
});
