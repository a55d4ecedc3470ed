import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventSource } from 'eventsource';
import PocketBase, { ClientResponseError } from 'pocketbase';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCollection,
  type Dialect,
  dialects,
  signUp,
  startServer,
  type TestServer,
  until,
} from './helpers.ts';

// The activity log, revisions, roles and permissions, presets and relations over HTTP, with a
// Directus hook file (both of Directus' forms) watching their events.

(globalThis as { EventSource?: unknown }).EventSource = EventSource;

interface Seen {
  hook: string;
  event: string;
  collection?: string;
}

const HOOKS = `
const seen = (globalThis.__systemContexts ??= []);
// Directus' newer API: filter and action
module.exports = function registerHook({ filter, action }, { services }) {
  {
    // a Directus hook using ItemsService inside the write's transaction, then ActivityService
    filter('items.create', async (input, meta, context) => {
      if (meta.collection !== 'notes' || input.title !== 'spawn') return input;
      const items = new services.ItemsService('notes', { schema: context.schema, accountability: context.accountability, knex: context.database });
      const key = await items.createOne({ title: 'spawned' });
      const found = await items.readByQuery({ filter: { title: { _eq: 'spawned' } }, limit: 5 });
      seen.push({ hook: 'items', event: found.some((item) => item.id === key) ? 'created and read' : 'not found' });
      return input;
    });
    action('items.create', async (meta) => {
      if (meta.collection !== 'notes' || meta.payload.title !== 'spawn') return;
      const entries = await new services.ActivityService({}).readByQuery({ filter: { item: { _eq: meta.key } } });
      seen.push({ hook: 'activity-service', event: entries.map((entry) => entry.action).join(',') });
    });
    filter('activity.create', (payload, meta) => {
      if (payload.collection === 'secrets' && payload.action === 'create') throw new Error('not logged: refused');
      return payload;
    });
    for (const name of ['activity.create', 'revisions.create', 'revisions.update', 'roles.create', 'permissions.create', 'presets.create', 'relations.create'])
      action(name, (meta) => void seen.push({ hook: 'action', event: meta.event, collection: meta.payload && meta.payload.collection }));
  }
};
`;
const LEGACY = `
const seen = (globalThis.__systemContexts ??= []);
module.exports = function registerHook() {
  return {
    'activity.create.before': (input) => { seen.push({ hook: 'legacy-before', event: 'activity.create' }); return input; },
    'roles.delete': () => void seen.push({ hook: 'legacy', event: 'roles.delete' }),
    'presets.delete.tasks': () => void seen.push({ hook: 'legacy', event: 'presets.delete' }),
    'activity.update.notes': () => void seen.push({ hook: 'scoped', event: 'activity.update' }),
  };
};
`;

function seen(): Seen[] {
  const shared = globalThis as { __systemContexts?: Seen[] };
  shared.__systemContexts ??= [];
  return shared.__systemContexts;
}

describe.each(dialects)('Directus system contexts (%s)', (dialect: Dialect) => {
  let server: TestServer;
  let extensions: string;

  beforeAll(async () => {
    extensions = mkdtempSync(join(tmpdir(), 'sluice-contexts-'));
    mkdirSync(join(extensions, 'hooks/contexts'), { recursive: true });
    writeFileSync(join(extensions, 'hooks/contexts/index.cjs'), HOOKS);
    mkdirSync(join(extensions, 'hooks/legacy'), { recursive: true });
    writeFileSync(join(extensions, 'hooks/legacy/index.cjs'), LEGACY);
    server = await startServer(dialect, { extensions });
    await createCollection(server, {
      name: 'notes',
      createRule: '',
      updateRule: '',
      listRule: '',
      viewRule: '',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'body', type: 'text' },
      ],
    });
    await createCollection(server, {
      name: 'secrets',
      createRule: '',
      fields: [{ name: 'title', type: 'text' }],
    });
  });

  afterAll(async () => {
    await server?.stop();
    rmSync(extensions, { recursive: true, force: true });
  });

  const admin = (method: string, path: string, body?: unknown, query?: Record<string, string>) =>
    server.request(method, path, { token: server.adminToken, body, query });

  it('logs sign-ins and a guest’s writes, listed for superusers only in PocketBase’s shape', async () => {
    const user = await signUp(server, 'logged');
    const created = await server.request('POST', '/api/collections/notes/records', {
      token: user.token,
      body: { title: 'by a user', body: 'x' },
      headers: { 'user-agent': 'contexts-test' },
    });
    expect(created.status).toBe(200);
    const list = await admin('GET', '/api/activity', undefined, {
      filter: `user = '${user.id}'`,
      sort: 'created',
    });
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ page: 1, perPage: 30, totalItems: 2, totalPages: 1 });
    expect(
      list.body.items
        .map((entry: { action: string; collection: string }) => [entry.action, entry.collection])
        .sort(),
    ).toEqual([
      ['create', 'notes'],
      ['login', 'users'],
    ]);
    const entry = list.body.items.find((item: { action: string }) => item.action === 'create');
    expect(entry).toMatchObject({
      item: created.body.id,
      userCollection: 'users',
      userAgent: 'contexts-test',
      ip: '127.0.0.1',
    });
    expect((await server.request('GET', '/api/activity', { token: user.token })).status).toBe(403);
    expect((await server.request('GET', '/api/activity')).status).toBe(401);

    const commented = await admin('PATCH', `/api/activity/${entry.id}`, { comment: 'checked' });
    expect(commented.body.comment).toBe('checked');
    expect((await admin('DELETE', `/api/activity/${entry.id}`)).status).toBe(204);
    expect((await admin('GET', `/api/activity/${entry.id}`)).status).toBe(404);
    await server.app.hooks.drain();
    expect(seen()).toEqual(
      expect.arrayContaining([
        { hook: 'legacy-before', event: 'activity.create' },
        { hook: 'action', event: 'activity.create', collection: 'notes' },
        { hook: 'action', event: 'revisions.create', collection: 'notes' },
        { hook: 'scoped', event: 'activity.update' },
      ]),
    );
  });

  it('runs a Directus hook using ItemsService and ActivityService from its context', async () => {
    const created = await server.request('POST', '/api/collections/notes/records', {
      body: { title: 'spawn' },
    });
    expect(created.status).toBe(200);
    expect(await server.count('notes', "title = 'spawned'")).toBe(1);
    await server.app.hooks.drain();
    expect(seen()).toEqual(
      expect.arrayContaining([
        { hook: 'items', event: 'created and read' },
        { hook: 'activity-service', event: 'create' },
      ]),
    );
  });

  it('rolls the write back with its log when a hook refuses the entry', async () => {
    const refused = await server.request('POST', '/api/collections/secrets/records', {
      body: { title: 'hidden' },
    });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(await server.count('secrets')).toBe(0);
    expect(
      (await admin('GET', '/api/activity', undefined, { filter: "collection = 'secrets'" })).body.totalItems,
    ).toBe(0);
  });

  it('lists a record’s revisions, reverts with the caller’s rights, and redacts', async () => {
    const note = (
      await server.request('POST', '/api/collections/notes/records', {
        body: { title: 'v1', body: 'private' },
      })
    ).body;
    await server.request('PATCH', `/api/collections/notes/records/${note.id}`, {
      body: { title: 'v2', body: 'secret' },
    });
    const history = await admin('GET', `/api/revisions/notes/${note.id}`, undefined, { sort: 'created' });
    expect(history.body.totalItems).toBe(2);
    const first = history.body.items.find(
      (revision: { data: { title: string } }) => revision.data.title === 'v1',
    );
    const reverted = await admin('POST', `/api/revisions/${first.id}/revert`);
    expect(reverted.status).toBe(200);
    expect(reverted.body).toMatchObject({ title: 'v1', body: 'private' });
    expect((await admin('GET', `/api/revisions/notes/${note.id}`)).body.totalItems).toBe(3);

    const redacted = await admin('PATCH', `/api/revisions/${first.id}`, { redact: ['body'] });
    expect(redacted.status).toBe(200);
    const after = await admin('GET', '/api/revisions', undefined, { filter: `item = '${note.id}'` });
    expect(after.body.items).toHaveLength(3);
    for (const revision of after.body.items) expect(revision.data).not.toHaveProperty('body');
    await server.app.hooks.drain();
    expect(seen()).toContainEqual({ hook: 'action', event: 'revisions.update' });
  });

  it('opens a collection to a role: rules limit records in lists, expand and realtime, fields hide fields', async () => {
    const projects = await createCollection(server, {
      name: 'projects',
      fields: [
        { name: 'name', type: 'text' },
        { name: 'budget', type: 'number' },
        { name: 'open', type: 'bool' },
      ],
    });
    await createCollection(server, {
      name: 'tasks',
      listRule: '',
      viewRule: '',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'project', type: 'relation', collectionId: projects.id, maxSelect: 1 },
      ],
    });
    const relations = await admin('GET', '/api/relations', undefined, { filter: "collection = 'tasks'" });
    expect(relations.body.items).toEqual([
      expect.objectContaining({ field: 'project', relatedCollection: 'projects', maxSelect: 1 }),
    ]);
    const member = await signUp(server, 'member');
    const outsider = await signUp(server, 'outsider');
    const role = await admin('POST', '/api/roles', { name: `staff-${dialect}` });
    expect(
      (await admin('PATCH', `/api/collections/users/records/${member.id}`, { roles: [role.body.id] })).status,
    ).toBe(200);
    expect(role.status).toBe(200);
    for (const action of ['list', 'view'])
      expect(
        (
          await admin('POST', '/api/permissions', {
            role: role.body.id,
            collection: 'projects',
            action,
            rule: 'open = true',
            fields: ['name', 'open'],
          })
        ).status,
      ).toBe(200);
    // a member signs in again: the token's record carries nothing, the server finds the roles itself
    const open = (
      await admin('POST', '/api/collections/projects/records', { name: 'open', budget: 10, open: true })
    ).body;
    const closed = (
      await admin('POST', '/api/collections/projects/records', { name: 'closed', budget: 20, open: false })
    ).body;
    const task = (await admin('POST', '/api/collections/tasks/records', { title: 't', project: open.id }))
      .body;
    await admin('POST', '/api/collections/tasks/records', { title: 'u', project: closed.id });

    const listed = await server.request('GET', '/api/collections/projects/records', { token: member.token });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      { collectionId: projects.id, collectionName: 'projects', id: open.id, name: 'open', open: true },
    ]);
    expect(
      (await server.request('GET', '/api/collections/projects/records', { token: outsider.token })).status,
    ).toBe(403);
    const expanded = await server.request('GET', '/api/collections/tasks/records', {
      token: member.token,
      query: { expand: 'project', sort: 'title' },
    });
    expect(expanded.body.items[0].expand.project).toMatchObject({ id: open.id, name: 'open' });
    expect(expanded.body.items[0].expand.project).not.toHaveProperty('budget');
    expect(expanded.body.items[1].expand).toBeUndefined();
    expect(task.id).toBeTruthy();

    const pb = new PocketBase(server.url);
    pb.autoCancellation(false);
    pb.authStore.save(member.token, null);
    const received: Record<string, unknown>[] = [];
    const unsubscribe = await pb
      .collection('projects')
      .subscribe('*', (event) => void received.push(event.record));
    try {
      await admin('POST', '/api/collections/projects/records', { name: 'hidden', budget: 1, open: false });
      await admin('POST', '/api/collections/projects/records', { name: 'shown', budget: 2, open: true });
      await until(() => received.length > 0, 5000, 'the realtime message of an open project');
      // the permission that lets the member see the record limits its fields here too
      expect(received).toEqual([
        expect.objectContaining({ collectionName: 'projects', name: 'shown', open: true }),
      ]);
      expect(Object.keys(received[0]!).sort()).toEqual([
        'collectionId',
        'collectionName',
        'id',
        'name',
        'open',
      ]);
    } finally {
      await unsubscribe();
    }

    // renamed, the collection keeps its permissions and the relations pointing at it
    expect((await admin('PATCH', `/api/collections/${projects.id}`, { name: 'ventures' })).status).toBe(200);
    const permissions = await admin('GET', '/api/permissions', undefined, {
      filter: `role = '${role.body.id}'`,
    });
    expect(permissions.body.items.map((item: { collection: string }) => item.collection)).toEqual([
      'ventures',
      'ventures',
    ]);
    const renamed = await admin('GET', '/api/relations', undefined, { filter: "collection = 'tasks'" });
    expect(renamed.body.items).toEqual([expect.objectContaining({ relatedCollection: 'ventures' })]);
    await expect
      .poll(
        async () =>
          (
            await server.request('GET', '/api/collections/ventures/records', {
              token: member.token,
              query: { sort: 'name' },
            })
          ).body.items,
      )
      .toEqual([
        expect.objectContaining({ id: open.id, name: 'open' }),
        expect.objectContaining({ name: 'shown' }),
      ]);
  });

  it('keeps role membership on the auth records: set by superusers only, used by permissions, rules and realtime', async () => {
    const sdk = (token: string) => {
      const client = new PocketBase(server.url);
      client.autoCancellation(false);
      client.authStore.save(token, null);
      return client;
    };
    const superuser = sdk(server.adminToken);
    const member = await signUp(server, 'climber');
    const outsider = await signUp(server, 'bystander');
    const asMember = sdk(member.token);
    const role = await superuser.send(`/api/roles`, { method: 'POST', body: { name: `crew-${dialect}` } });
    const spare = await superuser.send(`/api/roles`, { method: 'POST', body: { name: `spare-${dialect}` } });
    const reports = await createCollection(server, {
      name: `reports_${dialect}`,
      fields: [{ name: 'title', type: 'text' }],
    });
    for (const action of ['list', 'view'])
      await superuser.send('/api/permissions', {
        method: 'POST',
        body: { role: role.id, collection: reports.name, action },
      });
    await createCollection(server, {
      name: `bulletins_${dialect}`,
      listRule: `@request.auth.roles ?= "${role.id}"`,
      fields: [{ name: 'title', type: 'text' }],
    });
    await superuser.collection(`bulletins_${dialect}`).create({ title: 'for the crew' });
    await superuser.collection(reports.name).create({ title: 'first' });

    // a normal user cannot give itself a role: refused naming the field, nothing written
    const refused = await asMember
      .collection('users')
      .update(member.id, { roles: [role.id], name: 'promoted' })
      .catch((error: ClientResponseError) => error);
    expect(refused).toBeInstanceOf(ClientResponseError);
    expect((refused as ClientResponseError).status).toBe(400);
    expect((refused as ClientResponseError).response.data.roles.code).toBe('validation_forbidden');
    const unchanged = await superuser.collection('users').getOne(member.id);
    expect(unchanged).toMatchObject({ roles: [], name: 'climber' });
    expect(
      (
        await asMember
          .collection(reports.name)
          .getList()
          .catch((error) => error)
      ).status,
    ).toBe(403);
    expect((await asMember.collection(`bulletins_${dialect}`).getList()).items).toEqual([]);

    // a superuser gives it the role: the permission opens the collection, the rule matches
    const joined = await superuser.collection('users').update(member.id, { roles: [role.id, spare.id] });
    expect(joined.roles).toEqual([role.id, spare.id]);
    expect((await asMember.collection('users').getOne(member.id)).roles).toEqual([role.id, spare.id]);
    expect((await asMember.collection(reports.name).getFullList()).map((item) => item.title)).toEqual([
      'first',
    ]);
    expect((await asMember.collection(`bulletins_${dialect}`).getList()).items).toEqual([
      expect.objectContaining({ title: 'for the crew' }),
    ]);
    expect((await sdk(outsider.token).collection(`bulletins_${dialect}`).getList()).items).toEqual([]);
    expect((await superuser.send(`/api/roles/${role.id}`, {})).users).toEqual([member.id]);

    // realtime follows the field: taken out of the role, the member stops receiving the reports
    const received: string[] = [];
    const own: Record<string, unknown>[] = [];
    const stopReports = await asMember
      .collection(reports.name)
      .subscribe('*', (event) => void received.push(event.record.title));
    const stopOwn = await asMember
      .collection('users')
      .subscribe(member.id, (event) => void own.push(event.record));
    try {
      await superuser.collection(reports.name).create({ title: 'while a member' });
      await until(() => received.length === 1, 5000, 'the report sent to a member');
      await superuser.collection('users').update(member.id, { roles: [spare.id] });
      await until(() => own.length === 1, 5000, 'the member’s own record, changed');
      expect(own[0]).toMatchObject({ roles: [spare.id] });
      await superuser.collection(reports.name).create({ title: 'after leaving' });
      // a later message on the same connection: the report would have come before it
      await superuser.collection('users').update(member.id, { name: 'left the crew' });
      await until(() => own.length === 2, 5000, 'the member’s own record, renamed');
      expect(received).toEqual(['while a member']);
    } finally {
      await stopReports();
      await stopOwn();
    }
    expect(
      (
        await asMember
          .collection(reports.name)
          .getList()
          .catch((error) => error)
      ).status,
    ).toBe(403);
    expect((await asMember.collection(`bulletins_${dialect}`).getList()).items).toEqual([]);

    // admin access given to a role applies at once to its members' realtime connections
    const chiefs = await superuser.send('/api/roles', {
      method: 'POST',
      body: { name: `chiefs-${dialect}` },
    });
    await superuser.collection('users').update(outsider.id, { roles: [chiefs.id] });
    const seenByChief: string[] = [];
    const stopChief = await sdk(outsider.token)
      .collection(reports.name)
      .subscribe('*', (event) => void seenByChief.push(event.record.title));
    try {
      await superuser.collection(reports.name).create({ title: 'before admin access' });
      await superuser.send(`/api/roles/${chiefs.id}`, { method: 'PATCH', body: { adminAccess: true } });
      await superuser.collection(reports.name).create({ title: 'with admin access' });
      await until(() => seenByChief.length > 0, 5000, 'the report sent to an admin-access member');
      expect(seenByChief).toEqual(['with admin access']);
    } finally {
      await stopChief();
    }
    expect((await sdk(outsider.token).collection(reports.name).getFullList()).length).toBe(5);

    // an import that leaves the roles field out keeps it, and the records' roles
    const collections = await superuser.collections.getFullList();
    const stripped = collections.map((collection) => ({
      ...collection,
      fields: collection.fields.filter((field) => field.name !== 'roles'),
    }));
    await superuser.collections.import(stripped, true);
    const users = await superuser.collections.getOne('users');
    expect(users.fields.find((field) => field.name === 'roles')).toMatchObject({
      type: 'json',
      system: true,
    });
    expect((await superuser.collection('users').getOne(member.id)).roles).toEqual([spare.id]);

    // deleting a role takes it out of its members' roles
    await superuser.collection('users').update(outsider.id, { roles: [spare.id] });
    await superuser.send(`/api/roles/${spare.id}`, { method: 'DELETE' });
    for (const id of [member.id, outsider.id])
      expect((await superuser.collection('users').getOne(id)).roles).toEqual([]);
    expect((await superuser.send('/api/roles', { query: { filter: `id = '${spare.id}'` } })).items).toEqual(
      [],
    );
  });

  it('keeps presets private to their owner, with CRUD over HTTP', async () => {
    const owner = await signUp(server, 'owner');
    const other = await signUp(server, 'other');
    const created = await server.request('POST', '/api/presets', {
      token: owner.token,
      body: { collection: 'tasks', name: 'mine', filter: "title != ''", perPage: 10 },
    });
    expect(created.status).toBe(200);
    expect((await server.request('GET', '/api/presets', { token: owner.token })).body.totalItems).toBe(1);
    expect((await server.request('GET', '/api/presets', { token: other.token })).body.totalItems).toBe(0);
    expect(
      (await server.request('GET', `/api/presets/${created.body.id}`, { token: other.token })).status,
    ).toBe(404);
    expect((await server.request('POST', '/api/presets', { body: { collection: 'tasks' } })).status).toBe(
      401,
    );
    const changed = await server.request('PATCH', `/api/presets/${created.body.id}`, {
      token: owner.token,
      body: { sort: '-created' },
    });
    expect(changed.body.sort).toBe('-created');
    expect(
      (await server.request('DELETE', `/api/presets/${created.body.id}`, { token: owner.token })).status,
    ).toBe(204);
    const role = await admin('POST', '/api/roles', { name: `gone-${dialect}` });
    expect((await admin('DELETE', `/api/roles/${role.body.id}`)).status).toBe(204);
    await server.app.hooks.drain();
    expect(seen()).toEqual(
      expect.arrayContaining([
        { hook: 'action', event: 'presets.create', collection: 'tasks' },
        { hook: 'legacy', event: 'presets.delete' },
        { hook: 'legacy', event: 'roles.delete' },
        expect.objectContaining({ hook: 'action', event: 'roles.create' }),
        expect.objectContaining({ hook: 'action', event: 'permissions.create', collection: 'projects' }),
        expect.objectContaining({ hook: 'action', event: 'relations.create', collection: 'tasks' }),
      ]),
    );
  });
});
