import { SluiceError } from '@sluice/hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../db/migrations.ts';
import { dialects, openTestDatabase } from '../db/testing.ts';
import type { Database } from '../db/types.ts';
import { normalizeCollection } from './schema.ts';
import {
  deleteCollection,
  insertCollection,
  loadCollections,
  SchemaCache,
  updateCollection,
} from './store.ts';

describe.each(dialects)('collection store (%s)', (dialect) => {
  let database: Database;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ database, cleanup } = await openTestDatabase(dialect));
    await migrate(database);
  });
  afterAll(() => cleanup());

  it('round-trips collections through _collections', async () => {
    const members = normalizeCollection({
      name: 'members',
      type: 'auth',
      fields: [{ name: 'nickname', type: 'text' }],
      manageRule: '@request.auth.id != ""',
      indexes: ['CREATE INDEX idx_nick ON members (nickname)'],
    });
    const posts = normalizeCollection({
      name: 'posts',
      fields: [{ name: 'title', type: 'text' }],
      listRule: '',
    });
    await database.transaction(async (trx) => {
      await insertCollection(trx, members);
      await insertCollection(trx, posts);
    });
    const loaded = await loadCollections(database.reader);
    expect(loaded.find((collection) => collection.id === members.id)).toEqual(members);
    expect(loaded.find((collection) => collection.id === posts.id)).toEqual(posts);

    const renamed = normalizeCollection({ name: 'articles', viewRule: 'title = "x"' }, posts);
    await database.transaction((trx) => updateCollection(trx, renamed));
    const afterUpdate = await loadCollections(database.reader);
    expect(afterUpdate.find((collection) => collection.id === posts.id)).toEqual(renamed);

    await database.transaction((trx) => deleteCollection(trx, posts.id));
    expect((await loadCollections(database.reader)).some((collection) => collection.id === posts.id)).toBe(
      false,
    );
  });

  it('turns a taken name into a 400 on name', async () => {
    const first = normalizeCollection({ name: 'dupes' });
    const second = normalizeCollection({ name: 'dupes' });
    await database.transaction((trx) => insertCollection(trx, first));
    const error = await database
      .transaction((trx) => insertCollection(trx, second))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SluiceError);
    expect((error as SluiceError).details.name).toMatchObject({ code: 'validation_collection_name_exists' });
  });

  it('caches collections by id and by name', async () => {
    const cache = new SchemaCache();
    await cache.reload(database.reader);
    const users = cache.get('users')!;
    expect(users.id).toBe('_pb_users_auth_');
    expect(cache.get('_pb_users_auth_')).toBe(users);
    expect(cache.get('USERS')).toBe(users);
    expect(cache.get('nobody')).toBeUndefined();
    expect(cache.all().map((collection) => collection.name)).toContain('_superusers');

    const changed = normalizeCollection({ name: 'people' }, users);
    cache.set(changed);
    expect(cache.get('people')).toBe(changed);
    expect(cache.get('users')).toBeUndefined();
    expect(cache.all().filter((collection) => collection.id === users.id)).toEqual([changed]);
    cache.remove(users.id);
    expect(cache.get(users.id)).toBeUndefined();
  });
});
