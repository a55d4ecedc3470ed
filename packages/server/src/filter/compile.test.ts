import { DummyDriver, Kysely, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collection } from '../collections/types.ts';
import { dialects } from '../db/testing.ts';
import { compileFilter, type FilterContext } from './compile.ts';
import { alice, type FilterTestDatabase, openFilterTestDatabase, posts, postsContext } from './testing.ts';

describe.each(dialects)('compileFilter on %s', (dialect) => {
  let database: FilterTestDatabase;

  beforeAll(async () => {
    database = await openFilterTestDatabase(dialect);
  });

  afterAll(async () => {
    await database?.cleanup();
  });

  async function ids(filter: string, overrides: Partial<FilterContext> = {}): Promise<string[]> {
    const rows = await database.db
      .selectFrom('posts')
      .select('posts.id as id')
      .where(compileFilter(filter, postsContext(dialect, overrides)))
      .orderBy('posts.id')
      .execute();
    return rows.map((row) => row.id as string);
  }

  describe('operators', () => {
    it('compares text', async () => {
      expect(await ids("title = 'Hello World'")).toEqual(['p1']);
      expect(await ids("title != 'Hello World'")).toEqual(['p2', 'p3', 'p4']);
      expect(await ids("status > 'draft'")).toEqual(['p3', 'p4']);
      expect(await ids("status >= 'draft'")).toEqual(['p1', 'p3', 'p4']);
      expect(await ids("status < 'live'")).toEqual(['p1', 'p2']);
      expect(await ids("status <= 'draft'")).toEqual(['p1', 'p2']);
    });

    it('compares numbers numerically, casting numeric strings', async () => {
      expect(await ids('views > 2')).toEqual(['p1', 'p3']);
      expect(await ids('views >= 2.5')).toEqual(['p1', 'p3']);
      expect(await ids('views < 0')).toEqual(['p4']);
      expect(await ids('views <= 0')).toEqual(['p2', 'p4']);
      expect(await ids('views = 10')).toEqual(['p1']);
      expect(await ids('views != 10')).toEqual(['p2', 'p3', 'p4']);
      expect(await ids("views > '9'")).toEqual(['p1']);
      expect(await ids("views = 'ten'")).toEqual([]);
    });

    it('compares bools as 1/0', async () => {
      expect(await ids('published = true')).toEqual(['p1', 'p3']);
      expect(await ids('published = false')).toEqual(['p2', 'p4']);
      expect(await ids('published != true')).toEqual(['p2', 'p4']);
      expect(await ids("published = 'true'")).toEqual(['p1', 'p3']);
    });

    it('matches ~ case-insensitively, wrapping in % when the pattern has none', async () => {
      expect(await ids("title ~ 'world'")).toEqual(['p1']);
      expect(await ids("title ~ 'HELLO%'")).toEqual(['p1']);
      expect(await ids("title ~ '%orl'")).toEqual([]);
      expect(await ids("title !~ 'world'")).toEqual(['p2', 'p3', 'p4']);
      expect(await ids('views ~ 2')).toEqual(['p3']);
    });

    it('escapes LIKE wildcards in auto-wrapped patterns', async () => {
      expect(await ids("title ~ '100'")).toEqual(['p2']);
      expect(await ids("title ~ '%100\\%%'")).toEqual(['p2']);
      expect(await ids("title ~ '100%'")).toEqual([]);
      expect(await ids("title ~ '_'")).toEqual(['p2']);
      expect(await ids("title ~ 'e_n'")).toEqual(['p2']);
      expect(await ids("title ~ 'o_w'")).toEqual([]);
      expect(await ids("title ~ 'it_s%'")).toEqual(['p2']);
    });

    it('compares two fields', async () => {
      expect(await ids('status = title')).toEqual([]);
      expect(await ids('title ~ status')).toEqual(['p2']);
      expect(await ids('status ~ title')).toEqual(['p3']);
      expect(await ids('views > published')).toEqual(['p1', 'p3']);
    });

    it('accepts literals on the left', async () => {
      expect(await ids("'Hello World' = title")).toEqual(['p1']);
      expect(await ids('5 < views')).toEqual(['p1']);
      expect(await ids("'a' = 'a'")).toEqual(['p1', 'p2', 'p3', 'p4']);
      expect(await ids('1 = 2')).toEqual([]);
    });

    it('compares dates as text', async () => {
      expect(await ids("created >= '2024-01-01 00:00:00.000Z'")).toEqual(['p1', 'p2', 'p4']);
      expect(await ids("created < '2024-01-01'")).toEqual(['p3']);
      expect(
        await ids("created > '2024-02-01 00:00:00.000Z' && created <= '2024-03-05 08:30:00.000Z'"),
      ).toEqual(['p4']);
    });
  });

  describe('logic', () => {
    it('binds && tighter than ||', async () => {
      expect(await ids("title = 'Hello World' || views < 1 && published = true")).toEqual(['p1']);
      expect(await ids("(title = 'Hello World' || views < 1) && published = false")).toEqual(['p2', 'p4']);
      expect(await ids("views < 1 && published = false || status = 'draft'")).toEqual(['p1', 'p2', 'p4']);
    });

    it('nests parentheses and ignores comments', async () => {
      expect(
        await ids("((views > 0) && (status = 'live' || status = 'draft')) // only visible ones"),
      ).toEqual(['p1', 'p3']);
      expect(await ids('// nothing but a comment')).toEqual(['p1', 'p2', 'p3', 'p4']);
      expect(await ids('')).toEqual(['p1', 'p2', 'p3', 'p4']);
    });
  });

  describe('null and empty', () => {
    it("treats null and '' alike", async () => {
      expect(await ids('title = null')).toEqual(['p3']);
      expect(await ids("title = ''")).toEqual(['p3']);
      expect(await ids('title != null')).toEqual(['p1', 'p2', 'p4']);
      expect(await ids("null = ''")).toEqual(['p1', 'p2', 'p3', 'p4']);
      expect(await ids('meta = null')).toEqual(['p2']);
      expect(await ids('meta != null')).toEqual(['p1', 'p3', 'p4']);
      expect(await ids("author = ''")).toEqual(['p3']);
      expect(await ids('views = null')).toEqual([]);
    });

    it('reads a missing related record as empty', async () => {
      expect(await ids("author.name = ''")).toEqual(['p3']);
      expect(await ids('author.name != null')).toEqual(['p1', 'p2', 'p4']);
    });
  });

  describe('injection', () => {
    it('matches hostile values literally', async () => {
      expect(await ids('title = "\' OR 1=1 --"')).toEqual(['p4']);
      expect(await ids("title = '\\' OR 1=1 --'")).toEqual(['p4']);
      await expect(ids("title = 'x'' OR ''1''=''1'")).rejects.toThrow(/unexpected/);
      expect(await ids("title = '\"; DROP TABLE posts; --'")).toEqual([]);
      expect(await ids('status = @request.query.status', { query: { status: "' OR 1=1 --" } })).toEqual([]);
      expect(await ids('title = @request.body.title', { body: { title: "' OR 1=1 --" } })).toEqual(['p4']);
      expect(await ids('title ~ @request.query.q', { query: { q: "%' OR '1'='1" } })).toEqual([]);
      expect(await ids('meta.label = @request.query.q', { query: { q: "x') OR ('1'='1" } })).toEqual([]);
    });
  });

  describe('relation paths', () => {
    it('follows single relations', async () => {
      expect(await ids("author.name = 'Alice'")).toEqual(['p1']);
      expect(await ids('author.age > 18')).toEqual(['p1', 'p4']);
      expect(await ids('author.verified = true')).toEqual(['p1', 'p4']);
      expect(await ids("author.id = 'u2'")).toEqual(['p2']);
    });

    it('follows several relations', async () => {
      expect(await ids("author.team.name = 'Blue'")).toEqual(['p2']);
      expect(await ids("author.team.name = ''")).toEqual(['p3', 'p4']);
      expect(await ids("editors.team.name ?= 'Blue'")).toEqual(['p1', 'p4']);
    });

    it('follows multiple relations item by item', async () => {
      expect(await ids("editors.name ?= 'Alice'")).toEqual(['p3', 'p4']);
      expect(await ids("editors.name = 'Alice'")).toEqual(['p3', 'p4']);
      expect(await ids("editors.name ?!= 'Alice'")).toEqual(['p1', 'p2', 'p4']);
      expect(await ids("editors.name != 'Alice'")).toEqual(['p1', 'p2']);
      expect(await ids('editors.age ?> 40')).toEqual(['p1']);
      expect(await ids("editors.name ?~ 'O'")).toEqual(['p1', 'p4']);
      expect(await ids('editors.age:each > 20')).toEqual(['p3']);
      expect(await ids('editors.age:each > 10')).toEqual(['p1', 'p3', 'p4']);
    });

    it('rejects paths through fields that are not relations, and paths too deep', async () => {
      await expect(ids("title.name = 'x'")).rejects.toThrow(/"title" is not a relation/);
      await expect(ids("author.team.name.x = 'x'")).rejects.toThrow(/"name" is not a relation/);
    });
  });

  describe('multi-valued fields', () => {
    it('compares JSON-array items', async () => {
      expect(await ids("tags ?= 'news'")).toEqual(['p1', 'p4']);
      expect(await ids("tags = 'news'")).toEqual(['p1', 'p4']);
      expect(await ids("tags != 'news'")).toEqual(['p2', 'p3']);
      expect(await ids("tags ?!= 'news'")).toEqual(['p1', 'p2', 'p3']);
      expect(await ids("tags ?~ 'EC'")).toEqual(['p1', 'p3']);
      expect(await ids("tags !~ 'ews'")).toEqual(['p2', 'p3']);
      expect(await ids("tags:each = 'tech'")).toEqual(['p3']);
      expect(await ids('editors ?= @request.auth.id', { auth: alice })).toEqual(['p3', 'p4']);
    });

    it('counts an empty array as empty', async () => {
      expect(await ids("tags = ''")).toEqual(['p2']);
      expect(await ids('tags = null')).toEqual(['p2']);
      expect(await ids('tags != null')).toEqual(['p1', 'p3', 'p4']);
    });

    it('measures arrays with :length', async () => {
      expect(await ids('tags:length = 2')).toEqual(['p1']);
      expect(await ids('editors:length >= 1')).toEqual(['p1', 'p3', 'p4']);
      expect(await ids('tags:length = 0')).toEqual(['p2']);
    });

    it('compares against arrays in request data', async () => {
      expect(await ids('status ?= @request.body.statuses', { body: { statuses: ['draft', 'x'] } })).toEqual([
        'p1',
      ]);
      expect(await ids('tags ?= @request.body.tags', { body: { tags: ['tech', 'zzz'] } })).toEqual([
        'p1',
        'p3',
      ]);
      expect(await ids('@request.body.tags:length = 2', { body: { tags: ['a', 'b'] } })).toHaveLength(4);
    });
  });

  describe('JSON fields', () => {
    it('reads keys by path', async () => {
      expect(await ids('meta.score = 5')).toEqual(['p1']);
      expect(await ids('meta.score > 6')).toEqual(['p4']);
      expect(await ids("meta.score = '7'")).toEqual(['p3']);
      expect(await ids("meta.label = 'x'")).toEqual(['p1']);
      expect(await ids("meta.label ~ 'y'")).toEqual(['p4']);
      expect(await ids('meta.flags.hot = true')).toEqual(['p1']);
      expect(await ids('meta.flags.hot = false')).toEqual(['p3']);
      expect(await ids('meta.list.1 = 2')).toEqual(['p1']);
      expect(await ids('meta.label = null')).toEqual(['p2', 'p3']);
      expect(await ids("meta ~ 'hot'")).toEqual(['p1', 'p3']);
    });
  });

  describe('@request', () => {
    it('reads the authenticated record', async () => {
      expect(await ids('author = @request.auth.id', { auth: alice })).toEqual(['p1']);
      expect(await ids("@request.auth.collectionName = 'users'", { auth: alice })).toHaveLength(4);
      expect(await ids("@request.auth.id != '' && published = false", { auth: alice })).toEqual(['p2', 'p4']);
      expect(await ids('author.team = @request.auth.team', { auth: alice })).toEqual(['p1']);
      expect(await ids("@request.auth.team.name = 'Red'", { auth: alice })).toHaveLength(4);
      expect(await ids("@request.auth.team.name = 'Blue'", { auth: alice })).toEqual([]);
    });

    it("matches the caller id only against ids of the caller's own collection", async () => {
      const namesake = { ...alice, collectionId: 'c_members', collectionName: 'members' };
      expect(await ids('author = @request.auth.id', { auth: namesake })).toEqual([]);
      expect(await ids('author != @request.auth.id', { auth: namesake })).toEqual(['p1', 'p2', 'p3', 'p4']);
      expect(await ids('editors ?= @request.auth.id', { auth: namesake })).toEqual([]);
      expect(await ids('editors ?= @request.auth.id', { auth: alice })).toEqual(['p3', 'p4']);
      expect(await ids('author.id = @request.auth.id', { auth: namesake })).toEqual([]);
      expect(await ids('author.id = @request.auth.id', { auth: alice })).toEqual(['p1']);
      expect(await ids("@request.auth.id = 'u1'", { auth: namesake })).toHaveLength(4);
    });

    it('treats guests as empty', async () => {
      expect(await ids("@request.auth.id = ''")).toHaveLength(4);
      expect(await ids('@request.auth.id = null')).toHaveLength(4);
      expect(await ids("@request.auth.id != ''")).toEqual([]);
      expect(await ids("@request.auth.id != '' && author = @request.auth.id")).toEqual([]);
      expect(await ids('author = @request.auth.id')).toEqual(['p3']);
      expect(await ids("@request.auth.team.name = 'Red'")).toEqual([]);
    });

    it('reads body, query, headers and method', async () => {
      expect(await ids('views > @request.body.min', { body: { min: 2 } })).toEqual(['p1', 'p3']);
      expect(await ids('views > @request.query.min', { query: { min: '2' } })).toEqual(['p1', 'p3']);
      expect(await ids('published = @request.body.published', { body: { published: true } })).toEqual([
        'p1',
        'p3',
      ]);
      expect(await ids('@request.body.missing = null', { body: {} })).toHaveLength(4);
      expect(await ids('@request.body.title:isset = true', { body: { title: 'x' } })).toHaveLength(4);
      expect(await ids('@request.body.title:isset = true', { body: {} })).toEqual([]);
      expect(await ids("@request.body.nested.key = 'v'", { body: { nested: { key: 'v' } } })).toHaveLength(4);
      expect(await ids("@request.method = 'GET'", { method: 'GET' })).toHaveLength(4);
      expect(await ids("@request.method = 'GET'", { method: 'POST' })).toEqual([]);
      expect(await ids("@request.headers.x_token = 'abc'", { headers: { x_token: 'abc' } })).toHaveLength(4);
      expect(await ids('title:lower = @request.query.q:lower', { query: { q: 'HELLO world' } })).toEqual([
        'p1',
      ]);
    });
  });

  describe('date macros', () => {
    const now = new Date('2024-02-01 10:00:00.000Z');

    it('resolves @now, @todayStart, @todayEnd, @yesterday, @tomorrow', async () => {
      expect(await ids('created < @now', { now })).toEqual(['p1', 'p2', 'p3']);
      expect(await ids('created >= @todayStart && created <= @todayEnd', { now })).toEqual(['p2']);
      expect(await ids('created < @yesterday', { now })).toEqual(['p1', 'p3']);
      expect(await ids('created > @tomorrow', { now })).toEqual(['p4']);
    });

    it('resolves month, year and numeric macros', async () => {
      expect(await ids('created >= @monthStart && created <= @monthEnd', { now })).toEqual(['p2']);
      expect(await ids('created >= @yearStart && created <= @yearEnd', { now })).toEqual(['p1', 'p2', 'p4']);
      expect(
        await ids('@month = 2 && @year = 2024 && @day = 1 && @hour = 10 && @weekday = 4', { now }),
      ).toHaveLength(4);
    });
  });

  describe('@collection', () => {
    it('holds when some row of the other collection satisfies the expression', async () => {
      expect(
        await ids('@collection.members.post ?= id && @collection.members.user ?= @request.auth.id', {
          auth: alice,
        }),
      ).toEqual(['p2']);
      expect(await ids("@collection.members.post = id && @collection.members.role = 'viewer'")).toEqual([
        'p1',
      ]);
      expect(await ids("@collection.members.role = 'nobody'")).toEqual([]);
      expect(await ids('published = true || @collection.members.post = id')).toEqual(['p1', 'p2', 'p3']);
    });

    it('joins independently under an alias and follows relations', async () => {
      expect(
        await ids(
          "@collection.members:a.post = id && @collection.members:b.role = 'owner' && @collection.members:a.role = 'viewer'",
        ),
      ).toEqual(['p1']);
      expect(await ids("@collection.members.post = id && @collection.members.user.name = 'bob'")).toEqual([
        'p1',
      ]);
    });

    it('rejects unknown collections', async () => {
      await expect(ids("@collection.nope.x = 'y'")).rejects.toThrow(/unknown collection "nope"/);
    });
  });

  describe('fields', () => {
    it('rejects unknown and hidden fields', async () => {
      await expect(ids("nope = 'x'")).rejects.toThrow('Invalid filter: unknown field "nope" at position 0.');
      await expect(ids("author.nope = 'x'")).rejects.toThrow(/unknown field "author.nope"/);
      await expect(ids("author.password = 'hash1'")).rejects.toThrow(/unknown field "author.password"/);
      expect(await ids("author.password = 'hash1'", { allowHiddenFields: true })).toEqual(['p1']);
      await expect(ids('@nope = 1')).rejects.toThrow(/unknown field "@nope"/);
      await expect(ids('@request.nope = 1')).rejects.toThrow(/unknown field "@request.nope"/);
      await expect(ids("title:upper = 'x'")).rejects.toThrow(/unknown modifier ":upper" at position 5/);
      await expect(ids("title:each = 'x'")).rejects.toThrow(/":each" needs a multi-valued field/);
    });

    it('uses the table alias it is given', async () => {
      const rows = await database.db
        .selectFrom('posts as p')
        .select('p.id')
        .where(compileFilter("author.name = 'Alice'", postsContext(dialect, { tableAlias: 'p' })))
        .execute();
      expect(rows.map((row) => row.id)).toEqual(['p1']);
    });
  });
});

describe('compileFilter without a database', () => {
  const nodes: Collection = {
    ...posts,
    id: 'c_nodes',
    name: 'nodes',
    fields: [
      { id: 'n_id', name: 'id', type: 'text', primaryKey: true },
      { id: 'n_parent', name: 'parent', type: 'relation', collectionId: 'c_nodes', maxSelect: 1 },
      { id: 'n_name', name: 'name', type: 'text' },
    ],
  };
  const lookupNodes = (idOrName: string) =>
    idOrName === 'c_nodes' || idOrName === 'nodes' ? nodes : undefined;
  const db = new Kysely<any>({
    dialect: {
      createAdapter: () => new SqliteAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (kysely) => new SqliteIntrospector(kysely),
      createQueryCompiler: () => new SqliteQueryCompiler(),
    },
  });

  it('limits how many relations a path crosses', () => {
    const ctx: FilterContext = {
      dialect: 'sqlite',
      collection: nodes,
      getCollection: lookupNodes,
      auth: null,
    };
    expect(() => compileFilter("parent.parent.parent.name = 'x'", ctx)).not.toThrow();
    expect(() => compileFilter("parent.parent.parent.parent.name = 'x'", ctx)).toThrow(
      'Invalid filter: "parent.parent.parent.parent.name" crosses more than 3 relations at position 0.',
    );
  });

  it('binds every value as a parameter', () => {
    const hostile = "x' OR 1=1 --";
    const ctx = postsContext('sqlite', { auth: { ...alice, name: hostile }, body: { q: hostile } });
    const filter = `title = "${hostile}" || title ~ @request.body.q || author.name = @request.auth.name || meta.a = 1`;
    const compiled = db.selectFrom('posts').selectAll().where(compileFilter(filter, ctx)).compile();
    expect(compiled.sql).not.toContain('OR 1=1');
    expect(compiled.parameters).toEqual([hostile, `%${hostile}%`, hostile, '$."a"', '$."a"', 1]);
  });

  it('hides hidden fields of the authenticated record', () => {
    const ctx = postsContext('sqlite', { auth: { ...alice, password: 'hash' } });
    expect(() => compileFilter("@request.auth.password ~ 'h'", ctx)).toThrow(
      /unknown field "@request.auth.password"/,
    );
    expect(() =>
      compileFilter("@request.auth.password ~ 'h'", { ...ctx, allowHiddenFields: true }),
    ).not.toThrow();
  });

  it('treats ? on a single value like the plain operator', () => {
    const ctx = postsContext('sqlite');
    const sqlOf = (filter: string) => db.selectFrom('posts').where(compileFilter(filter, ctx)).compile().sql;
    expect(sqlOf("title ?= 'a'")).toBe(sqlOf("title = 'a'"));
  });

  it('bounds the comparisons multi-valued request data expands to, before building them', () => {
    const many = (n: number, value: string) => Array.from({ length: n }, () => value);
    const filter = '@request.query.a ?= @request.query.b || @request.query.a ?= @request.query.b';
    const within = postsContext('sqlite', { query: { a: many(20, '1'), b: many(20, '2') } });
    expect(() => compileFilter(filter, within)).not.toThrow();
    const past = postsContext('sqlite', { query: { a: many(30, '1'), b: many(30, '2') } });
    expect(() => compileFilter(filter, past)).toThrow(/more than 1000 comparisons once/);
    const hostile = postsContext('sqlite', { query: { a: many(1400, '1'), b: many(1400, '2') } });
    expect(() => compileFilter(filter, hostile)).toThrow(
      'Invalid filter: an operand holds more than 100 values.',
    );
  });

  it('bounds how many tables one filter joins', () => {
    const joins = (n: number) =>
      Array.from({ length: n }, (_, i) => `@collection.nodes:n${i}.name = 'x'`).join(' && ');
    const ctx: FilterContext = {
      dialect: 'sqlite',
      collection: nodes,
      getCollection: lookupNodes,
      auth: null,
    };
    expect(() => compileFilter(joins(8), ctx)).not.toThrow();
    expect(() => compileFilter(joins(9), ctx)).toThrow(
      'Invalid filter: the expression joins more than 8 tables.',
    );
    expect(() => compileFilter(`${joins(6)} && parent.parent.parent.name = 'x'`, ctx)).toThrow(
      /joins more than 8 tables/,
    );
  });
});
