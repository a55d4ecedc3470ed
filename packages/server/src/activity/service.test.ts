import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapTestApp } from '../app/testing.ts';
import type { App } from '../app/types.ts';
import type { Accountability } from '../context.ts';
import { formatDate } from '../records/dates.ts';
import { timePrefix } from '../writes/system-items.ts';
import { ACTIVITY, REVISIONS } from './store.ts';

describe('the activity log and revisions, against a core on SQLite', () => {
  let app: App;
  let cleanup: () => Promise<void>;
  /** A superuser acting through a service call: a caller, so its writes are logged. */
  const editor: Accountability = {
    user: 'editor000000001',
    collection: '_superusers',
    admin: true,
    record: null,
  };
  const asEditor = () => app.context({ accountability: editor });

  beforeAll(async () => {
    ({ app, cleanup } = await bootstrapTestApp());
    for (const [name, tracking] of [
      ['notes', undefined],
      ['drafts', 'activity'],
      ['scratch', 'none'],
    ] as const)
      await app.services.collections.create(
        {
          name,
          type: 'base',
          tracking,
          fields: [
            { name: 'title', type: 'text' },
            { name: 'body', type: 'text' },
          ],
        },
        app.context(),
      );
  });

  afterAll(async () => {
    await cleanup?.();
  });

  const activityOf = (item: string) =>
    app.database.db
      .selectFrom(ACTIVITY)
      .selectAll()
      .where('item', '=', item)
      .orderBy('created')
      .orderBy('id')
      .execute();
  const revisionsOf = async (item: string) =>
    (
      await app.services.revisions.list(
        { page: 1, perPage: 50, filter: '', sort: 'created' },
        { collection: 'notes', item },
      )
    ).items;

  /** Collects the events of `names` fired while `fn` runs (actions, after the commit). */
  async function firedBy(names: string[], fn: () => Promise<unknown>): Promise<string[]> {
    const fired: string[] = [];
    const off = names.map((name) => app.hooks.action(name as 'activity.create', () => void fired.push(name)));
    try {
      await fn();
      await app.hooks.drain();
    } finally {
      for (const unregister of off) unregister();
    }
    return fired;
  }

  it('logs a caller’s create, update and delete, with a revision of each create and update', async () => {
    let id = '';
    const fired = await firedBy(['activity.create', 'revisions.create'], async () => {
      id = (await app.services.records.create('notes', { title: 'a', body: 'x' }, asEditor())).id;
      await app.services.records.update('notes', id, { title: 'b' }, asEditor());
      await app.services.records.update('notes', id, { title: 'b' }, asEditor());
      await app.services.records.delete('notes', id, asEditor());
    });
    expect(
      (await activityOf(id)).map((row) => [row.action, row.user, row.userCollection, row.collection]),
    ).toEqual([
      ['create', editor.user, '_superusers', 'notes'],
      ['update', editor.user, '_superusers', 'notes'],
      ['update', editor.user, '_superusers', 'notes'],
      ['delete', editor.user, '_superusers', 'notes'],
    ]);
    const revisions = await revisionsOf(id);
    // the second update changed nothing: no revision
    expect(revisions).toHaveLength(2);
    const created = revisions.find((revision) => revision.data.title === 'a');
    const updated = revisions.find((revision) => revision.data.title === 'b');
    expect(created?.data).toMatchObject({ id, title: 'a', body: 'x' });
    expect(created?.delta).toEqual(created?.data);
    expect(updated?.data).toMatchObject({ id, title: 'b', body: 'x' });
    expect(updated?.delta).toEqual({ title: 'b' });
    expect(fired.filter((name) => name === 'activity.create')).toHaveLength(4);
    expect(fired.filter((name) => name === 'revisions.create')).toHaveLength(2);
  });

  it('logs nothing of the system’s own writes, and follows each collection’s tracking', async () => {
    const own = await app.services.records.create('notes', { title: 'system' });
    expect(await activityOf(own.id)).toEqual([]);
    const draft = await app.services.records.create('drafts', { title: 'd' }, asEditor());
    expect((await activityOf(draft.id)).map((row) => row.action)).toEqual(['create']);
    expect(
      await app.database.db.selectFrom(REVISIONS).selectAll().where('item', '=', draft.id).execute(),
    ).toEqual([]);
    const scratch = await app.services.records.create('scratch', { title: 's' }, asEditor());
    expect(await activityOf(scratch.id)).toEqual([]);
  });

  it('never keeps a password or token key in a revision', async () => {
    const user = await app.services.records.create(
      'users',
      { email: 'kept@example.com', password: 'secret-password-1', passwordConfirm: 'secret-password-1' },
      asEditor(),
    );
    const [revision] = (
      await app.services.revisions.list(
        { page: 1, perPage: 5, filter: '', sort: '' },
        { collection: 'users', item: user.id },
      )
    ).items;
    expect(revision.data).toMatchObject({ email: 'kept@example.com' });
    expect(JSON.stringify(revision)).not.toMatch(/password|tokenKey|secret-password/);
  });

  it('writes neither entry nor revision when the write rolls back', async () => {
    const off = app.recorders.add(() => {
      throw new Error('after the log');
    });
    try {
      await expect(
        app.services.records.create('notes', { title: 'rolled back' }, asEditor()),
      ).rejects.toThrow('after the log');
    } finally {
      off();
    }
    const entries = await app.database.db.selectFrom(ACTIVITY).selectAll().execute();
    const revisions = await app.database.db.selectFrom(REVISIONS).selectAll().execute();
    expect(revisions.some((row) => String(row.data).includes('rolled back'))).toBe(false);
    const notes = await app.services.records.list('notes', { filter: "title = 'rolled back'" });
    expect(notes.totalItems).toBe(0);
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) expect(notes.items.map((item) => item.id)).not.toContain(entry.item);
  });

  it('comments an entry (activity.update) and deletes it (activity.delete)', async () => {
    const note = await app.services.records.create('notes', { title: 'commented' }, asEditor());
    const [entry] = await activityOf(note.id);
    const fired = await firedBy(['activity.update', 'activity.delete'], async () => {
      const commented = await app.services.activity.comment(
        String(entry.id),
        { comment: 'looked at' },
        asEditor(),
      );
      expect(commented.comment).toBe('looked at');
      await expect(
        app.services.activity.comment(String(entry.id), { action: 'delete' }, asEditor()),
      ).rejects.toMatchObject({ status: 400 });
      await app.services.activity.delete(String(entry.id), asEditor());
    });
    expect(fired).toEqual(['activity.update', 'activity.delete']);
    expect(await activityOf(note.id)).toEqual([]);
  });

  it('lists the log with a filter and a sort, newest first by default', async () => {
    const note = await app.services.records.create('notes', { title: 'listed' }, asEditor());
    await app.services.records.update('notes', note.id, { title: 'listed again' }, asEditor());
    const page = await app.services.activity.list({
      page: 1,
      perPage: 10,
      filter: `item = '${note.id}'`,
      sort: '',
    });
    expect(page.totalItems).toBe(2);
    expect(page.items.map((entry) => entry.action).sort()).toEqual(['create', 'update']);
    const ascending = await app.services.activity.list({
      page: 1,
      perPage: 10,
      filter: `item = '${note.id}' && action = 'create'`,
      sort: 'created',
    });
    expect(ascending.items).toEqual([expect.objectContaining({ action: 'create', collection: 'notes' })]);
  });

  it('prunes entries and revisions older than the retention, keeping the newer ones', async () => {
    const old = await app.services.records.create('notes', { title: 'old' }, asEditor());
    const recent = await app.services.records.create('notes', { title: 'recent' }, asEditor());
    // made 40 days ago: ids grow with time, so an old row has an old id
    const longAgo = Date.now() - 40 * 86_400_000;
    for (const table of [ACTIVITY, REVISIONS])
      for (const row of await app.database.db
        .selectFrom(table)
        .select('id')
        .where('item', '=', old.id)
        .execute())
        await app.database.db
          .updateTable(table)
          .set({
            id: `${timePrefix(longAgo)}${String(row.id).slice(9)}`,
            created: formatDate(new Date(longAgo)),
          })
          .where('id', '=', row.id)
          .execute();
    const fired = await firedBy(['activity.delete', 'revisions.delete'], async () => {
      expect(await app.services.activity.prune(30)).toBeGreaterThanOrEqual(1);
      expect(await app.services.revisions.prune(30)).toBeGreaterThanOrEqual(1);
      expect(await app.services.activity.prune(0)).toBe(0);
    });
    expect(fired).toContain('activity.delete');
    expect(fired).toContain('revisions.delete');
    expect(await activityOf(old.id)).toEqual([]);
    expect(await revisionsOf(old.id)).toEqual([]);
    expect(await activityOf(recent.id)).toHaveLength(1);
    expect(await revisionsOf(recent.id)).toHaveLength(1);
  });

  it('reverts a record as an ordinary update, through its hooks, with a revision of its own', async () => {
    const note = await app.services.records.create('notes', { title: 'first', body: 'one' }, asEditor());
    await app.services.records.update('notes', note.id, { title: 'second', body: 'two' }, asEditor());
    const first = (await revisionsOf(note.id)).find((revision) => revision.data.title === 'first')!;
    const seen: unknown[] = [];
    const off = app.hooks.filter('records.update', (payload) => {
      seen.push(payload);
      return payload;
    });
    try {
      const reverted = await app.services.revisions.revert(first.id, asEditor());
      expect(reverted).toMatchObject({ title: 'first', body: 'one' });
    } finally {
      off();
    }
    expect(seen).toEqual([expect.objectContaining({ title: 'first', body: 'one' })]);
    // the notes' update rule is superusers-only: a user may not revert through it
    const user = { user: 'someone00000001', collection: 'users', admin: false, record: null };
    await expect(
      app.services.revisions.revert(first.id, app.context({ accountability: user })),
    ).rejects.toMatchObject({
      status: 403,
    });
    const revisions = await revisionsOf(note.id);
    expect(revisions).toHaveLength(3);
    expect(revisions.map((revision) => revision.delta)).toContainEqual({ title: 'first', body: 'one' });
  });

  it('redacts fields from every revision of a record (revisions.update)', async () => {
    const note = await app.services.records.create('notes', { title: 't', body: 'personal' }, asEditor());
    await app.services.records.update('notes', note.id, { title: 'u', body: 'more personal' }, asEditor());
    const [first] = await revisionsOf(note.id);
    const fired = await firedBy(['revisions.update'], () =>
      app.services.revisions.redact(first.id, { redact: ['body'] }, asEditor()),
    );
    expect(fired).toEqual(['revisions.update', 'revisions.update']);
    const revisions = await revisionsOf(note.id);
    for (const revision of revisions) {
      expect(revision.data).not.toHaveProperty('body');
      expect(revision.delta).not.toHaveProperty('body');
    }
    expect(revisions.map((revision) => revision.data.title).sort()).toEqual(['t', 'u']);
    await expect(
      app.services.revisions.redact(first.id, { redact: 'body' }, asEditor()),
    ).rejects.toMatchObject({
      status: 400,
    });
  });
});
