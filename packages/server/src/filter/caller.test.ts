import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Collection } from '../collections/types.ts';
import { dialects } from '../db/testing.ts';
import { callerFilterContext } from './caller.ts';
import { compileFilter } from './compile.ts';
import { compileSort } from './sort.ts';
import {
  alice,
  type FilterTestDatabase,
  getCollection,
  openFilterTestDatabase,
  posts,
  postsContext,
} from './testing.ts';

describe.each(dialects)('callerFilterContext on %s', (dialect) => {
  let database: FilterTestDatabase;

  beforeAll(async () => {
    database = await openFilterTestDatabase(dialect);
  });

  afterAll(async () => {
    await database?.cleanup();
  });

  /** The fixture's collections with the list rules given, as a caller who is alice sees them. */
  function asAlice(listRules: Record<string, string | null>) {
    const withRule = (collection: Collection): Collection =>
      collection.name in listRules ? { ...collection, listRule: listRules[collection.name] } : collection;
    const lookup = (idOrName: string) => {
      const found = getCollection(idOrName);
      return found && withRule(found);
    };
    return callerFilterContext(
      postsContext(dialect, { collection: withRule(posts), getCollection: lookup, auth: alice }),
    );
  }

  async function ids(filter: string, ctx: ReturnType<typeof asAlice>, sort = ''): Promise<string[]> {
    let query = database.db.selectFrom('posts').select('posts.id as id').where(compileFilter(filter, ctx));
    for (const term of compileSort(sort, ctx)) query = query.orderBy(term);
    const rows = await query.orderBy('posts.id').execute();
    return rows.map((row) => row.id as string);
  }

  it('limits @collection joins to the rows the joined collection lists for the caller', async () => {
    // posts lists only alice's own posts (p1); another post's title must not be a usable oracle.
    const ctx = asAlice({ posts: 'author = @request.auth.id' });
    expect(await ids("@collection.posts:other.title ~ 'done'", ctx)).toEqual([]);
    expect(await ids("@collection.posts:other.title ~ 'Hello%'", ctx)).toEqual(['p1', 'p2', 'p3', 'p4']);
    const open = asAlice({ posts: '' });
    expect(await ids("@collection.posts:other.title ~ 'done'", open)).toEqual(['p1', 'p2', 'p3', 'p4']);
  });

  it('limits relations to the related rows the caller may list', async () => {
    const hidden = asAlice({ users: 'id = @request.auth.id' });
    expect(await ids("author.name = 'bob'", hidden)).toEqual([]);
    expect(await ids("author.name = 'Alice'", hidden)).toEqual(['p1']);
    expect(await ids("editors.name ?= 'bob'", hidden)).toEqual([]);
    const open = asAlice({ users: '' });
    expect(await ids("author.name = 'bob'", open)).toEqual(['p2']);
  });

  it('sorts by related fields as if the rows the caller may not list were empty', async () => {
    const hidden = asAlice({ users: 'id = @request.auth.id' });
    expect(await ids("id != ''", hidden, '-author.name')).toEqual(['p1', 'p2', 'p3', 'p4']);
  });

  it('refuses fields of collections listed to superusers only, and auth emails and roles', async () => {
    const locked = asAlice({ users: null });
    await expect(ids("author.name = 'bob'", locked)).rejects.toThrow(/unknown field "author.name"/);
    const withEmail = asAlice({ users: '' });
    await expect(ids("author.email = 'x'", withEmail)).rejects.toThrow(/unknown field "author.email"/);
    await expect(ids("author.roles ~ 'x'", withEmail)).rejects.toThrow(/unknown field "author.roles"/);
    expect(await ids("author.name = 'bob'", withEmail)).toEqual(['p2']);
  });

  it('keeps the aliases of a joined rule apart from the filter that joins it', async () => {
    const ctx = asAlice({ users: "@collection.members.user = id && @collection.members.role = 'owner'" });
    expect(await ids("@collection.users:u.name = 'Alice' && author.name = 'Alice'", ctx)).toEqual(['p1']);
    expect(await ids("@collection.users:u.name = 'bob'", ctx)).toEqual([]);
  });
});
