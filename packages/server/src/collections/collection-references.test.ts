import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantsOf } from '../access/grants.ts';
import { bootstrapTestApp } from '../app/testing.ts';
import type { App } from '../app/types.ts';
import { guest } from '../context.ts';

describe('a renamed or deleted collection takes its permissions, presets and relations along, on SQLite', () => {
  let app: App;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ app, cleanup } = await bootstrapTestApp());
  });

  afterAll(async () => {
    await cleanup?.();
  });

  it('updates them through the pipeline in the rename’s transaction, and the grant keeps working', async () => {
    const notes = await app.services.collections.create(
      { name: 'notes', type: 'base', fields: [{ name: 'title', type: 'text' }] },
      app.context(),
    );
    await app.services.collections.create(
      {
        name: 'links',
        type: 'base',
        fields: [{ name: 'note', type: 'relation', collectionId: notes.id, maxSelect: 1 }],
      },
      app.context(),
    );
    const role = await app.services.roles.create({ name: 'note-readers' }, app.context());
    const member = await app.services.records.create('users', {
      email: 'renamer@example.com',
      password: 'password-123',
      passwordConfirm: 'password-123',
      roles: [role.id],
    });
    const permission = await app.services.permissions.create(
      { role: role.id, collection: 'notes', action: 'list' },
      app.context(),
    );
    const preset = await app.services.presets.create(
      { collection: 'notes', name: 'all' },
      app.context({ accountability: { user: member.id, collection: 'users', admin: false, record: member } }),
    );
    await app.services.records.create('notes', { title: 'kept' });
    const fired: string[] = [];
    const off = ['permissions.update', 'presets.update', 'relations.update'].map((name) =>
      app.hooks.action(name as 'permissions.update', () => void fired.push(name)),
    );

    await app.services.collections.update('notes', { name: 'memos' }, app.context());
    await app.hooks.drain();
    for (const unregister of off) unregister();

    expect(fired.sort()).toEqual(['permissions.update', 'presets.update', 'relations.update']);
    expect(await app.services.permissions.view(permission.id)).toMatchObject({
      collection: 'memos',
    });
    expect(await app.services.presets.view(preset.id, app.context())).toMatchObject({ collection: 'memos' });
    const relations = await app.services.relations.list({
      page: 1,
      perPage: 10,
      filter: "collection = 'links'",
      sort: '',
    });
    expect(relations.items).toEqual([expect.objectContaining({ field: 'note', relatedCollection: 'memos' })]);
    const who = grantsOf(app.schema).withRoles({
      user: member.id,
      collection: 'users',
      admin: false,
      record: member,
    });
    await expect.poll(() => grantsOf(app.schema).grantsFor(who, 'memos', 'list').length).toBe(1);
    const page = await app.services.records.list('memos', {}, app.context({ accountability: who }));
    expect(page.items.map((item) => item.title)).toEqual(['kept']);
  });

  it('deletes them through the pipeline with the collection', async () => {
    await app.services.collections.create(
      { name: 'drafts', type: 'base', fields: [{ name: 'title', type: 'text' }] },
      app.context(),
    );
    const kept = await app.services.permissions.create(
      { collection: 'memos', action: 'view' },
      app.context(),
    );
    const permission = await app.services.permissions.create(
      { collection: 'drafts', action: 'list' },
      app.context(),
    );
    const presets = [
      await app.services.presets.create({ collection: 'drafts', name: 'one' }, app.context()),
      await app.services.presets.create({ collection: 'drafts', name: 'two' }, app.context()),
    ];
    const fired: string[] = [];
    const off = ['permissions.delete', 'presets.delete'].map((name) =>
      app.hooks.action(name as 'permissions.delete', () => void fired.push(name)),
    );
    await app.services.collections.delete('drafts', app.context());
    await app.hooks.drain();
    for (const unregister of off) unregister();

    expect(fired.sort()).toEqual(['permissions.delete', 'presets.delete', 'presets.delete']);
    await expect(app.services.permissions.view(permission.id)).rejects.toMatchObject({ status: 404 });
    for (const preset of presets)
      await expect(app.services.presets.view(preset.id, app.context())).rejects.toMatchObject({
        status: 404,
      });
    expect(await app.services.permissions.view(kept.id)).toMatchObject({ collection: 'memos' });
    await expect.poll(() => grantsOf(app.schema).grantsFor(guest, 'drafts', 'list').length).toBe(0);
  });
});
