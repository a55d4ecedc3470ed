import type { SelectQueryBuilder } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../db/testing.ts';
import { compileSort } from './sort.ts';
import { type FilterTestDatabase, openFilterTestDatabase, postsContext } from './testing.ts';

describe.each(dialects)('compileSort on %s', (dialect) => {
  let database: FilterTestDatabase;

  beforeAll(async () => {
    database = await openFilterTestDatabase(dialect);
  });

  afterAll(async () => {
    await database?.cleanup();
  });

  async function ids(sort: string): Promise<string[]> {
    let query: SelectQueryBuilder<any, any, any> = database.db.selectFrom('posts').select('posts.id as id');
    for (const term of compileSort(sort, postsContext(dialect))) query = query.orderBy(term);
    const rows = await query.execute();
    return rows.map((row) => row.id as string);
  }

  it('sorts ascending by default and descending with -', async () => {
    expect(await ids('created')).toEqual(['p3', 'p1', 'p2', 'p4']);
    expect(await ids('+created')).toEqual(['p3', 'p1', 'p2', 'p4']);
    expect(await ids('-created')).toEqual(['p4', 'p2', 'p1', 'p3']);
    expect(await ids('-views')).toEqual(['p1', 'p3', 'p2', 'p4']);
  });

  it('applies several terms in order', async () => {
    expect(await ids('-status, published, -id')).toEqual(['p4', 'p3', 'p1', 'p2']);
    expect(await ids('published,,id')).toEqual(['p2', 'p4', 'p1', 'p3']);
  });

  it('sorts text byte-wise, uppercase first', async () => {
    let query: SelectQueryBuilder<any, any, any> = database.db.selectFrom('users').select('id');
    const ctx = { ...postsContext(dialect), collection: (await import('./testing.ts')).users };
    for (const term of compileSort('name', ctx)) query = query.orderBy(term);
    expect((await query.execute()).map((row) => row.id)).toEqual(['u1', 'u3', 'u2']);
  });

  it('follows single relations and JSON paths', async () => {
    expect(await ids('author.name,id')).toEqual(['p3', 'p1', 'p4', 'p2']);
    expect(await ids('-meta.label,id')).toEqual(['p1', 'p4', 'p2', 'p3']);
  });

  it('shuffles with @random', async () => {
    expect((await ids('@random')).sort()).toEqual(['p1', 'p2', 'p3', 'p4']);
  });

  it('rejects unknown, multi-valued and malformed fields', () => {
    const ctx = postsContext(dialect);
    expect(() => compileSort('created,nope', ctx)).toThrow(
      'Invalid sort: unknown field "nope" at position 8.',
    );
    expect(() => compileSort('author.nope', ctx)).toThrow(/unknown field "author.nope"/);
    expect(() => compileSort('tags', ctx)).toThrow(/multi-valued "tags"/);
    expect(() => compileSort('editors.name', ctx)).toThrow(/multi-valued/);
    expect(() => compileSort('title; DROP TABLE posts', ctx)).toThrow(/unknown field/);
    expect(() => compileSort('@rowid', ctx)).toThrow(/unknown field "@rowid"/);
    expect(() => compileSort('author.password', ctx)).toThrow(/unknown field/);
    expect(() => compileSort(Array(30).fill('id').join(','), ctx)).toThrow(/more than 20 sort fields/);
  });

  it('gives the error details under "sort"', () => {
    try {
      compileSort('nope', postsContext(dialect));
      expect.unreachable();
    } catch (error) {
      expect((error as { status: number }).status).toBe(400);
      expect((error as { details: unknown }).details).toEqual({
        sort: {
          code: 'validation_invalid_sort',
          message: 'Invalid sort: unknown field "nope" at position 0.',
        },
      });
    }
  });
});
