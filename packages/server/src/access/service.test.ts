import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapTestApp } from '../app/testing.ts';
import type { App } from '../app/types.ts';
import type { RecordData } from '../collections/types.ts';
import { type Accountability, guest } from '../context.ts';
import { grantsOf } from './grants.ts';

describe('roles and permissions, against a core on SQLite', () => {
  let app: App;
  let cleanup: () => Promise<void>;
  let member: RecordData;
  let outsider: RecordData;

  const caller = (record: RecordData): Accountability =>
    grantsOf(app.schema).withRoles({ user: record.id, collection: 'users', admin: false, record });
  const as = (record: RecordData) => app.context({ accountability: caller(record) });
  /** The record, given one more role by a superuser (the system). */
  const joining = (record: RecordData, roleId: string) =>
    app.services.records.update('users', record.id, { roles: [...(record.roles as string[]), roleId] });
  const signUp = (email: string) =>
    app.services.records.create('users', {
      email,
      password: 'password-123',
      passwordConfirm: 'password-123',
    });

  beforeAll(async () => {
    ({ app, cleanup } = await bootstrapTestApp());
    await app.services.collections.create(
      {
        name: 'articles',
        type: 'base',
        fields: [
          { name: 'title', type: 'text' },
          { name: 'status', type: 'text' },
          { name: 'notes', type: 'text' },
        ],
      },
      app.context(),
    );
    member = await signUp('member@example.com');
    outsider = await signUp('outsider@example.com');
    for (const [title, status] of [
      ['one', 'published'],
      ['two', 'draft'],
    ])
      await app.services.records.create('articles', { title, status, notes: `internal ${title}` });
  });

  afterAll(async () => {
    await cleanup?.();
  });

  async function firedBy(names: string[], fn: () => Promise<unknown>): Promise<string[]> {
    const fired: string[] = [];
    const off = names.map((name) => app.hooks.action(name as 'roles.create', () => void fired.push(name)));
    try {
      await fn();
      await app.hooks.drain();
    } finally {
      for (const unregister of off) unregister();
    }
    return fired;
  }

  it('opens a superusers-only collection to a role: its rule limits the records, its fields the fields', async () => {
    await expect(app.services.records.list('articles', {}, as(member))).rejects.toMatchObject({
      status: 403,
    });
    let roleId = '';
    const fired = await firedBy(['roles.create', 'permissions.create'], async () => {
      roleId = (await app.services.roles.create({ name: 'readers' }, app.context())).id;
      for (const action of ['list', 'view'])
        await app.services.permissions.create(
          {
            role: roleId,
            collection: 'articles',
            action,
            rule: "status = 'published'",
            fields: ['title', 'status'],
          },
          app.context(),
        );
    });
    expect(fired).toEqual(['roles.create', 'permissions.create', 'permissions.create']);
    await expect(app.services.records.list('articles', {}, as(member))).rejects.toMatchObject({
      status: 403,
    });
    member = await joining(member, roleId);
    expect(member.roles).toEqual([roleId]);

    const page = await app.services.records.list('articles', {}, as(member));
    expect(page.items.map((item) => item.title)).toEqual(['one']);
    expect(page.items[0]).not.toHaveProperty('notes');
    const viewed = await app.services.records.view('articles', page.items[0].id, {}, as(member));
    expect(viewed).toMatchObject({ title: 'one', status: 'published' });
    expect(viewed).not.toHaveProperty('notes');
    const draft = (await app.services.records.list('articles', { filter: "status = 'draft'" })).items[0];
    await expect(app.services.records.view('articles', draft.id, {}, as(member))).rejects.toMatchObject({
      status: 404,
    });
    // not a member: still superusers only
    await expect(app.services.records.list('articles', {}, as(outsider))).rejects.toMatchObject({
      status: 403,
    });
  });

  it('lets a role create with presets, refusing the fields it may not write', async () => {
    const role = await app.services.roles.create({ name: 'writers' }, app.context());
    member = await joining(member, role.id);
    await app.services.permissions.create(
      {
        role: role.id,
        collection: 'articles',
        action: 'create',
        fields: ['title'],
        presets: { status: 'draft' },
      },
      app.context(),
    );
    const created = await app.services.records.create('articles', { title: 'mine' }, as(member));
    const stored = await app.services.records.view('articles', created.id);
    expect(stored).toMatchObject({ title: 'mine', status: 'draft' });
    await expect(
      app.services.records.create('articles', { title: 'x', notes: 'sneaky' }, as(member)),
    ).rejects.toMatchObject({ status: 403 });
    await expect(app.services.records.create('articles', { title: 'x' }, as(outsider))).rejects.toMatchObject(
      {
        status: 403,
      },
    );
  });

  it('adds a permission to what an API rule allows, and exposes the roles to rules', async () => {
    const role = await app.services.roles.create({ name: 'editors' }, app.context());
    member = await joining(member, role.id);
    await app.services.collections.update(
      'articles',
      { updateRule: `@request.auth.roles ?= '${role.id}' && status = 'draft'` },
      app.context(),
    );
    const [draft] = (await app.services.records.list('articles', { filter: "title = 'two'" })).items;
    const [published] = (await app.services.records.list('articles', { filter: "title = 'one'" })).items;
    await app.services.records.update('articles', draft.id, { notes: 'by rule' }, as(member));
    await expect(
      app.services.records.update('articles', published.id, { notes: 'by rule' }, as(member)),
    ).rejects.toMatchObject({ status: 404 });
    await app.services.permissions.create(
      { role: role.id, collection: 'articles', action: 'update', rule: "status = 'published'" },
      app.context(),
    );
    await app.services.records.update('articles', published.id, { notes: 'by permission' }, as(member));
    expect((await app.services.records.view('articles', published.id)).notes).toBe('by permission');
    await expect(
      app.services.records.update('articles', draft.id, { notes: 'x' }, as(outsider)),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('makes the members of an admin-access role superusers', async () => {
    const admins = await app.services.roles.create({ name: 'admins', adminAccess: true }, app.context());
    expect(caller(outsider).admin).toBe(false);
    outsider = await joining(outsider, admins.id);
    expect(caller(outsider).admin).toBe(true);
    expect((await app.services.records.list('articles', {}, as(outsider))).totalItems).toBeGreaterThan(1);
    // an admin-access member manages roles: here, its own
    const demoted = await app.services.records.update('users', outsider.id, { roles: [] }, as(outsider));
    expect(demoted.roles).toEqual([]);
    outsider = demoted;
    expect(caller(outsider).admin).toBe(false);
  });

  it("lets only superusers and admin-access members change a record's roles", async () => {
    const role = await app.services.roles.create({ name: 'coveted' }, app.context());
    const before = await app.services.records.view('users', outsider.id);
    await expect(
      app.services.records.update('users', outsider.id, { roles: [role.id] }, as(outsider)),
    ).rejects.toMatchObject({ status: 400, details: { roles: { code: 'validation_forbidden' } } });
    await expect(
      app.services.records.update('users', outsider.id, { roles: [role.id], name: 'x' }, as(outsider)),
    ).rejects.toMatchObject({ status: 400, details: { roles: expect.anything() } });
    expect(await app.services.records.view('users', outsider.id)).toEqual(before);
    // sending back the roles it has is no change
    await app.services.records.update('users', outsider.id, { roles: [], name: 'same roles' }, as(outsider));
    await expect(
      app.services.records.create(
        'users',
        {
          email: 'climber@example.com',
          password: 'password-123',
          passwordConfirm: 'password-123',
          roles: [role.id],
        },
        app.context({ accountability: guest }),
      ),
    ).rejects.toMatchObject({ status: 400, details: { roles: expect.anything() } });
    await expect(
      app.services.records.update('users', outsider.id, { roles: ['nosuchrole'] }),
    ).rejects.toMatchObject({ status: 400, details: { roles: { code: 'validation_missing_role' } } });
    await expect(
      app.services.records.update('users', outsider.id, { roles: 'not a list ~' }),
    ).rejects.toMatchObject({ status: 400, details: { roles: { code: 'validation_invalid_value' } } });
  });

  it("shows a record's roles to superusers and to the record itself only", async () => {
    const role = await app.services.roles.create({ name: 'visible' }, app.context());
    member = await joining(member, role.id);
    await app.services.collections.update('users', { viewRule: '' }, app.context());
    try {
      expect((await app.services.records.view('users', member.id, {}, as(member))).roles).toContain(role.id);
      expect(await app.services.records.view('users', member.id, {}, as(outsider))).not.toHaveProperty(
        'roles',
      );
      expect((await app.services.roles.view(role.id)).users).toEqual([member.id]);
      const listed = await app.services.records.list('users', { filter: `roles ~ '"${role.id}"'` });
      expect(listed.items.map((item) => item.id)).toEqual([member.id]);
    } finally {
      await app.services.collections.update('users', { viewRule: 'id = @request.auth.id' }, app.context());
    }
  });

  it('changes and deletes roles and permissions, a role taking its permissions and members with it', async () => {
    const role = await app.services.roles.create({ name: 'temporary' }, app.context());
    member = await joining(member, role.id);
    const kept = (member.roles as string[]).filter((id) => id !== role.id);
    const permission = await app.services.permissions.create(
      { role: role.id, collection: 'articles', action: 'delete' },
      app.context(),
    );
    const fired = await firedBy(
      ['roles.update', 'permissions.update', 'permissions.delete', 'roles.delete'],
      async () => {
        await app.services.permissions.update(permission.id, { rule: "status = 'draft'" }, app.context());
        await app.services.roles.update(role.id, { description: 'for a while' }, app.context());
        await app.services.roles.delete(role.id, app.context());
      },
    );
    expect(fired).toEqual(['permissions.update', 'roles.update', 'permissions.delete', 'roles.delete']);
    await expect(app.services.permissions.view(permission.id)).rejects.toMatchObject({ status: 404 });
    member = await app.services.records.view('users', member.id);
    expect(member.roles).toEqual(kept);
  });

  it('refuses bad input with a 400 naming the field', async () => {
    await expect(app.services.roles.create({ name: '' }, app.context())).rejects.toMatchObject({
      status: 400,
    });
    await expect(
      app.services.roles.create({ name: 'with members', users: [member.id] }, app.context()),
    ).rejects.toMatchObject({ status: 400, details: { users: expect.anything() } });
    await expect(
      app.services.permissions.create(
        { role: 'nosuchrole', collection: 'articles', action: 'list' },
        app.context(),
      ),
    ).rejects.toMatchObject({ status: 400, details: { role: expect.anything() } });
    await expect(
      app.services.permissions.create({ collection: 'articles', action: 'read' }, app.context()),
    ).rejects.toMatchObject({ status: 400, details: { action: expect.anything() } });
    await expect(
      app.services.permissions.create(
        { collection: 'articles', action: 'list', rule: 'nope ~' },
        app.context(),
      ),
    ).rejects.toMatchObject({ status: 400, details: { rule: expect.anything() } });
    await expect(
      app.services.permissions.create(
        { collection: 'articles', action: 'list', fields: ['missing'] },
        app.context(),
      ),
    ).rejects.toMatchObject({ status: 400, details: { fields: expect.anything() } });
  });
});
