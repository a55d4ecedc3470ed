import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantsOf } from '../access/grants.ts';
import { bootstrapTestApp } from '../app/testing.ts';
import type { App } from '../app/types.ts';
import type { RecordData } from '../collections/types.ts';

describe('presets, against a core on SQLite', () => {
  let app: App;
  let cleanup: () => Promise<void>;
  let alice: RecordData;
  let bob: RecordData;

  const as = (record: RecordData) =>
    app.context({
      accountability: grantsOf(app.schema).withRoles({
        user: record.id,
        collection: 'users',
        admin: false,
        record,
      }),
    });
  const signUp = (email: string) =>
    app.services.records.create('users', {
      email,
      password: 'password-123',
      passwordConfirm: 'password-123',
    });
  const page = { page: 1, perPage: 30, filter: '', sort: 'name' };

  beforeAll(async () => {
    ({ app, cleanup } = await bootstrapTestApp());
    await app.services.collections.create(
      { name: 'tasks', type: 'base', fields: [{ name: 'title', type: 'text' }] },
      app.context(),
    );
    alice = await signUp('alice@example.com');
    bob = await signUp('bob@example.com');
  });

  afterAll(async () => {
    await cleanup?.();
  });

  it('keeps a user’s presets private, shows their roles’ and the global ones, tagged with the collection', async () => {
    const fired: string[] = [];
    const off = app.hooks.action('presets.create', (meta) => void fired.push(String(meta.event)), {
      tags: ['tasks'],
    });
    const role = await app.services.roles.create({ name: 'team' }, app.context());
    bob = await app.services.records.update('users', bob.id, { roles: [role.id] });
    const mine = await app.services.presets.create(
      { collection: 'tasks', name: 'a: open', filter: "title != ''", sort: '-created', perPage: 50 },
      as(alice),
    );
    expect(mine).toMatchObject({ user: alice.id, userCollection: 'users', role: null, perPage: 50 });
    await app.services.presets.create({ collection: 'tasks', name: 'b: team', role: role.id }, app.context());
    await app.services.presets.create({ collection: 'tasks', name: 'c: everyone' }, app.context());
    await app.hooks.drain();
    off();
    expect(fired).toEqual(['presets.create', 'presets.create', 'presets.create']);

    const names = async (record: RecordData) =>
      (await app.services.presets.list(page, as(record))).items.map((preset) => preset.name);
    expect(await names(alice)).toEqual(['a: open', 'c: everyone']);
    expect(await names(bob)).toEqual(['b: team', 'c: everyone']);
    await expect(app.services.presets.view(mine.id, as(bob))).rejects.toMatchObject({ status: 404 });
    await expect(app.services.presets.update(mine.id, { name: 'taken' }, as(bob))).rejects.toMatchObject({
      status: 404,
    });
    await expect(app.services.presets.delete(mine.id, as(bob))).rejects.toMatchObject({ status: 404 });
  });

  it('lets the owner change and delete their preset, and only superusers save others’', async () => {
    const fired: string[] = [];
    const off = ['presets.update', 'presets.delete'].map((name) =>
      app.hooks.action(name as 'presets.update', () => void fired.push(name)),
    );
    const preset = await app.services.presets.create({ collection: 'tasks', name: 'mine' }, as(bob));
    expect((await app.services.presets.update(preset.id, { sort: 'title' }, as(bob))).sort).toBe('title');
    await app.services.presets.delete(preset.id, as(bob));
    await app.hooks.drain();
    for (const unregister of off) unregister();
    expect(fired).toEqual(['presets.update', 'presets.delete']);
    const global = (await app.services.presets.list({ ...page, filter: "name = 'c: everyone'" }, as(bob)))
      .items[0];
    await expect(app.services.presets.update(global.id, { name: 'mine now' }, as(bob))).rejects.toMatchObject(
      {
        status: 403,
      },
    );
    await expect(
      app.services.presets.create({ collection: 'tasks', name: 'for all', role: null }, as(bob)),
    ).rejects.toMatchObject({ status: 403 });
    await expect(
      app.services.presets.create({ collection: 'nope', name: 'x' }, as(bob)),
    ).rejects.toMatchObject({
      status: 400,
    });
    await expect(
      app.services.presets.create({ collection: 'tasks' }, app.context({})),
    ).resolves.toMatchObject({
      user: null,
    });
  });
});
