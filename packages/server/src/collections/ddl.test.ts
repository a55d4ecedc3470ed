import { SluiceError } from '@sluice/hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, openTestDatabase } from '../db/testing.ts';
import type { Database } from '../db/types.ts';
import { alterCollectionTable, createCollectionTable, dropCollectionTable } from './ddl.ts';
import { normalizeCollection } from './schema.ts';
import type { Collection } from './types.ts';

const everyType = {
  name: 'things',
  fields: [
    { name: 'title', type: 'text' },
    { name: 'count', type: 'number' },
    { name: 'done', type: 'bool' },
    { name: 'contact', type: 'email' },
    { name: 'site', type: 'url' },
    { name: 'due', type: 'date' },
    { name: 'status', type: 'select', values: ['a', 'b'] },
    { name: 'tags', type: 'select', values: ['x', 'y', 'z'], maxSelect: 3 },
    { name: 'meta', type: 'json' },
    { name: 'owner', type: 'relation', collectionId: 'someone' },
    { name: 'secret', type: 'password' },
    { name: 'files', type: 'file', maxSelect: 5 },
  ],
  indexes: ['CREATE INDEX idx_things_title ON things (title)'],
};

describe.each(dialects)('collection tables (%s)', (dialect) => {
  let database: Database;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ database, cleanup } = await openTestDatabase(dialect));
  });
  afterAll(() => cleanup());

  async function create(input: Record<string, unknown>): Promise<Collection> {
    const collection = normalizeCollection(input);
    await database.transaction((trx) => createCollectionTable(trx, dialect, collection));
    return collection;
  }

  async function alter(before: Collection, input: Record<string, unknown>): Promise<Collection> {
    const after = normalizeCollection(input, before);
    await database.transaction((trx) => alterCollectionTable(trx, dialect, before, after));
    return after;
  }

  const rows = (table: string) => database.reader.selectFrom(table).selectAll().orderBy('id').execute();

  it('creates a column per field with the storage defaults', async () => {
    await create(everyType);
    await database.db.insertInto('things').values({ id: 'aaaaaaaaaaaaaaa' }).execute();
    expect(await rows('things')).toEqual([
      {
        id: 'aaaaaaaaaaaaaaa',
        title: '',
        count: 0,
        done: 0,
        contact: '',
        site: '',
        due: '',
        status: '',
        tags: '[]',
        meta: null,
        owner: '',
        secret: '',
        files: '[]',
        created: '',
        updated: '',
      },
    ]);
    await database.db
      .insertInto('things')
      .values({ id: 'bbbbbbbbbbbbbbb', count: 1.5, done: 1, meta: '{"a":1}', tags: '["x","y"]' })
      .execute();
    const [, second] = await rows('things');
    expect(second).toMatchObject({ count: 1.5, done: 1, meta: '{"a":1}', tags: '["x","y"]' });
  });

  it('refuses a duplicate id', async () => {
    await expect(
      database.db.insertInto('things').values({ id: 'aaaaaaaaaaaaaaa' }).execute(),
    ).rejects.toThrow();
  });

  it('adds, renames and drops columns by field id, keeping data', async () => {
    const before = await create({
      name: 'notes',
      fields: [
        { name: 'a', type: 'text' },
        { name: 'b', type: 'text' },
        { name: 'gone', type: 'number' },
      ],
    });
    await database.db
      .insertInto('notes')
      .values({ id: 'nnnnnnnnnnnnnnn', a: 'A', b: 'B', gone: 3 })
      .execute();
    const [, a, b] = before.fields;
    const after = await alter(before, {
      fields: [
        { id: a.id, name: 'b', type: 'text' },
        { id: b.id, name: 'a', type: 'text' },
        { name: 'fresh', type: 'bool' },
      ],
    });
    expect(after.fields.map((field) => field.name)).toEqual(['id', 'b', 'a', 'fresh', 'created', 'updated']);
    expect(await rows('notes')).toEqual([
      { id: 'nnnnnnnnnnnnnnn', a: 'B', b: 'A', created: '', updated: '', fresh: 0 },
    ]);
  });

  it('renames the table and keeps its indexes', async () => {
    const before = await create({
      name: 'drafts',
      fields: [{ name: 'slug', type: 'text' }],
      indexes: ['CREATE UNIQUE INDEX idx_drafts_slug ON drafts (slug)'],
    });
    await database.db.insertInto('drafts').values({ id: 'ddddddddddddddd', slug: 's' }).execute();
    const after = await alter(before, { name: 'articles' });
    expect(after.indexes).toEqual(['CREATE UNIQUE INDEX idx_drafts_slug ON articles (slug)']);
    expect(await rows('articles')).toHaveLength(1);
    await expect(
      database.db.insertInto('articles').values({ id: 'eeeeeeeeeeeeeee', slug: 's' }).execute(),
    ).rejects.toThrow();
    await expect(database.reader.selectFrom('drafts').selectAll().execute()).rejects.toThrow();
  });

  it('adds and drops indexes', async () => {
    const before = await create({ name: 'labels', fields: [{ name: 'code', type: 'text' }] });
    const withIndex = await alter(before, {
      indexes: ['CREATE UNIQUE INDEX idx_labels_code ON labels (code)'],
    });
    await database.db.insertInto('labels').values({ id: 'lllllllllllllll', code: 'c' }).execute();
    await expect(
      database.db.insertInto('labels').values({ id: 'mmmmmmmmmmmmmmm', code: 'c' }).execute(),
    ).rejects.toThrow();
    await alter(withIndex, { indexes: [] });
    await database.db.insertInto('labels').values({ id: 'mmmmmmmmmmmmmmm', code: 'c' }).execute();
    expect(await rows('labels')).toHaveLength(2);
  });

  it('reports a broken index at its position', async () => {
    const before = await create({ name: 'broken', fields: [{ name: 'x', type: 'text' }] });
    const error = await alter(before, {
      indexes: ['CREATE INDEX idx_broken ON broken (missing_column)'],
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SluiceError);
    expect((error as SluiceError).details['indexes.0']).toMatchObject({
      code: 'validation_invalid_index_expression',
    });
  });

  it('converts single values to lists and back when maxSelect crosses 1', async () => {
    const before = await create({
      name: 'picks',
      fields: [{ name: 'choice', type: 'select', values: ['a', 'b'] }],
    });
    await database.db.insertInto('picks').values({ id: 'ppppppppppppppp', choice: 'a' }).execute();
    await database.db.insertInto('picks').values({ id: 'qqqqqqqqqqqqqqq', choice: '' }).execute();
    const multiple = await alter(before, {
      fields: [{ id: before.fields[1].id, name: 'choice', type: 'select', values: ['a', 'b'], maxSelect: 2 }],
    });
    expect((await rows('picks')).map((row) => row.choice)).toEqual(['["a"]', '[]']);
    await database.db.insertInto('picks').values({ id: 'rrrrrrrrrrrrrrr' }).execute();
    await database.db
      .updateTable('picks')
      .set({ choice: '["b","a"]' })
      .where('id', '=', 'ppppppppppppppp')
      .execute();
    await alter(multiple, {
      fields: [{ id: before.fields[1].id, name: 'choice', type: 'select', values: ['a', 'b'], maxSelect: 1 }],
    });
    expect((await rows('picks')).map((row) => row.choice)).toEqual(['b', '', '']);
  });

  it('makes email and tokenKey unique on auth collections', async () => {
    await create({ name: 'members', type: 'auth' });
    const insert = (id: string, email: string, tokenKey: string) =>
      database.db.insertInto('members').values({ id, email, tokenKey }).execute();
    await insert('aaaaaaaaaaaaaaa', 'a@example.com', 'k1');
    await expect(insert('bbbbbbbbbbbbbbb', 'a@example.com', 'k2')).rejects.toThrow();
    await expect(insert('bbbbbbbbbbbbbbb', 'b@example.com', 'k1')).rejects.toThrow();
    await insert('bbbbbbbbbbbbbbb', '', 'k2');
    await insert('ccccccccccccccc', '', 'k3');
  });

  it('drops the table', async () => {
    const collection = await create({ name: 'temporary' });
    await database.transaction((trx) => dropCollectionTable(trx, dialect, collection));
    await expect(database.reader.selectFrom('temporary').selectAll().execute()).rejects.toThrow();
  });

  it('creates nothing when a later step fails', async () => {
    const collection = normalizeCollection({
      name: 'halfway',
      indexes: ['CREATE INDEX idx_halfway ON halfway (nope)'],
    });
    await expect(
      database.transaction((trx) => createCollectionTable(trx, dialect, collection)),
    ).rejects.toThrow();
    await expect(database.reader.selectFrom('halfway').selectAll().execute()).rejects.toThrow();
  });
});
