import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapTestApp } from '../app/testing.ts';
import type { App } from '../app/types.ts';

describe('relations kept in step with relation fields, against a core on SQLite', () => {
  let app: App;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ app, cleanup } = await bootstrapTestApp());
  });

  afterAll(async () => {
    await cleanup?.();
  });

  const relations = async () =>
    (
      await app.services.relations.list({
        page: 1,
        perPage: 50,
        filter: "collection = 'posts'",
        sort: 'field',
      })
    ).items;

  it('fires relations.create, update and delete beside the fields’ own write, with the relation as payload', async () => {
    const fired: { event: string; payload: unknown }[] = [];
    const off = ['relations.create', 'relations.update', 'relations.delete'].map((name) =>
      app.hooks.action(
        name as 'relations.create',
        (meta) => void fired.push({ event: name, payload: meta.payload }),
      ),
    );
    const users = app.schema.get('users')!;
    const posts = await app.services.collections.create(
      {
        name: 'posts',
        type: 'base',
        fields: [
          { name: 'title', type: 'text' },
          { name: 'author', type: 'relation', collectionId: users.id, maxSelect: 1 },
        ],
      },
      app.context(),
    );
    expect(await relations()).toEqual([
      expect.objectContaining({
        collection: 'posts',
        field: 'author',
        relatedCollection: 'users',
        maxSelect: 1,
        cascadeDelete: false,
      }),
    ]);
    const fields = posts.fields.map((field) =>
      field.name === 'author' ? { ...field, cascadeDelete: true } : field,
    );
    await app.services.collections.update(
      'posts',
      { fields: [...fields, { name: 'editors', type: 'relation', collectionId: users.id, maxSelect: 5 }] },
      app.context(),
    );
    expect(
      (await relations()).map((relation) => [relation.field, relation.cascadeDelete, relation.maxSelect]),
    ).toEqual([
      ['author', true, 1],
      ['editors', false, 5],
    ]);
    await app.services.collections.delete('posts', app.context());
    expect(await relations()).toEqual([]);
    await app.hooks.drain();
    for (const unregister of off) unregister();
    expect(fired.map((entry) => entry.event)).toEqual([
      'relations.create',
      'relations.update',
      'relations.create',
      'relations.delete',
      'relations.delete',
    ]);
    expect(fired[0].payload).toEqual({
      collection: 'posts',
      field: 'author',
      relatedCollection: 'users',
      maxSelect: 1,
      cascadeDelete: false,
    });
  });
});
