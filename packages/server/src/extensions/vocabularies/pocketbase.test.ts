import { EventUnavailableError, exceptions, FilterStopped } from '@sluice/hooks';
import { describe, expect, it } from 'vitest';
import { handlerContext, recordEvent, runFilter, setupHooks } from '../testing.ts';
import { pocketbase, pocketbaseHookNames } from './pocketbase.ts';

/** A sample of the document's hooks, one per group. */
const DOCUMENTED = [
  'onBeforeBootstrap',
  'onAfterBootstrap',
  'onBeforeApiError',
  'onAfterApiError',
  'onTerminate',
  'onModelBeforeCreate',
  'onModelAfterDelete',
  'onMailerBeforeAdminResetPasswordSend',
  'onMailerAfterRecordChangeEmailSend',
  'onRecordsListRequest',
  'onRecordViewRequest',
  'onRecordBeforeCreateRequest',
  'onRecordAfterDeleteRequest',
  'onRecordAuthRequest',
  'onRecordBeforeAuthWithOAuth2Request',
  'onRecordListExternalAuthsRequest',
  'onRecordAfterConfirmVerificationRequest',
  'onRealtimeConnectRequest',
  'onRealtimeBeforeMessageSend',
  'onFileDownloadRequest',
  'onFileAfterTokenRequest',
  'onCollectionsListRequest',
  'onCollectionsBeforeImportRequest',
  'onSettingsListRequest',
  'onSettingsAfterUpdateRequest',
  'onAdminsListRequest',
  'onAdminBeforeCreateRequest',
  'onAdminAuthRequest',
  'onAdminAfterConfirmPasswordResetRequest',
];

describe('pocketbase vocabulary (on… functions)', () => {
  it('offers every on… name the catalogue knows', () => {
    const { catalogue, vocabularyContext } = setupHooks();
    const pb = pocketbase(vocabularyContext());
    const names = pocketbaseHookNames(catalogue);
    expect(Object.keys(pb).sort()).toEqual([...names].sort());
    for (const name of DOCUMENTED) expect(typeof pb[name], name).toBe('function');
  });

  it('hands e.record, e.collection and e.httpContext; changes to e.record become the payload', async () => {
    const { hooks, vocabularyContext } = setupHooks();
    const { onRecordBeforeCreateRequest } = pocketbase(vocabularyContext());
    const seen: unknown[] = [];
    onRecordBeforeCreateRequest!((e) => {
      seen.push(e.httpContext, e.collection.name, e.uploadedFiles);
      e.record!.set('slug', String(e.record!.get('title')).toLowerCase());
      e.record!.checked = true;
    });
    const { meta, tags } = recordEvent('articles', 'create');
    const ctx = handlerContext();
    expect(await runFilter(hooks, 'records.create', { title: 'Hello' }, meta, ctx, tags)).toEqual({
      title: 'Hello',
      slug: 'hello',
      checked: true,
    });
    expect(seen).toEqual([ctx.request, 'articles', {}]);
  });

  it('fires only for the tags given after the handler (names or ids)', async () => {
    const { hooks, vocabularyContext } = setupHooks();
    const { onRecordBeforeCreateRequest } = pocketbase(vocabularyContext());
    const collections: string[] = [];
    onRecordBeforeCreateRequest!((e) => void collections.push(e.collection.name), 'users', 'pbc_members');
    for (const name of ['users', 'members', 'articles']) {
      const { meta, tags } = recordEvent(name, 'create');
      await runFilter(hooks, 'records.create', {}, meta, handlerContext(), tags);
    }
    expect(collections).toEqual(['users', 'members']);
  });

  it('stops the chain on return false, aborts with a typed error on throw', async () => {
    const { hooks, vocabularyContext } = setupHooks();
    const { onRecordBeforeCreateRequest } = pocketbase(vocabularyContext());
    const later: string[] = [];
    onRecordBeforeCreateRequest!((e) => {
      if (e.record!.title === 'stop') return false;
      if (e.record!.title === 'bad') throw new exceptions.BadRequestError('bad title');
    });
    onRecordBeforeCreateRequest!(async () => void later.push('ran'));
    const { meta, tags } = recordEvent('articles', 'create');
    expect(
      await runFilter(hooks, 'records.create', { title: 'stop' }, meta, handlerContext(), tags),
    ).toBeInstanceOf(FilterStopped);
    expect(later).toEqual([]);
    await expect(
      runFilter(hooks, 'records.create', { title: 'bad' }, meta, handlerContext(), tags),
    ).rejects.toMatchObject({
      status: 400,
    });
    await runFilter(hooks, 'records.create', { title: 'ok' }, meta, handlerContext(), tags);
    expect(later).toEqual(['ran']);
  });

  it('passes only the changed fields on for an update', async () => {
    const { hooks, vocabularyContext } = setupHooks();
    pocketbase(vocabularyContext()).onRecordBeforeUpdateRequest!(async (e) => {
      e.record!.set('updatedBy', 'hook');
      expect(e.record!.body).toBe('unchanged');
    });
    const current = { id: 'a1', title: 'Old', body: 'unchanged' };
    const { meta, tags } = recordEvent('articles', 'update', { keys: ['a1'], record: current });
    expect(await runFilter(hooks, 'records.update', { title: 'New' }, meta, handlerContext(), tags)).toEqual({
      title: 'New',
      updatedBy: 'hook',
    });
  });

  it('hands model hooks e.model with tableName() and id, tagged by table', async () => {
    const { hooks, vocabularyContext } = setupHooks();
    const { onModelBeforeCreate, onModelAfterCreate } = pocketbase(vocabularyContext());
    const seen: unknown[] = [];
    onModelBeforeCreate!((e) => {
      seen.push(e.model!.tableName(), e.model!.id);
      e.model!.set('stamp', 1);
    }, 'users');
    onModelAfterCreate!((e) => void seen.push(`after ${e.model!.tableName()}`));
    const meta = { event: 'model.create', table: 'users', collection: 'users', action: 'create' };
    expect(await runFilter(hooks, 'model.create', { id: 'u1' }, meta, handlerContext(), ['users'])).toEqual({
      id: 'u1',
      stamp: 1,
    });
    expect(
      await runFilter(hooks, 'model.create', { id: 'p1' }, { ...meta, table: 'posts' }, undefined, ['posts']),
    ).toEqual({
      id: 'p1',
    });
    hooks.runAction('model.create', { ...meta, record: { id: 'u1' } }, undefined, ['users']);
    await hooks.drain();
    expect(seen).toEqual(['users', 'u1', 'after users']);
  });

  it('gives onAdmin… hooks the _superusers record as e.admin', async () => {
    const { hooks, vocabularyContext } = setupHooks();
    const { onAdminBeforeCreateRequest, onAdminsListRequest } = pocketbase(vocabularyContext());
    const seen: unknown[] = [];
    onAdminBeforeCreateRequest!((e) => {
      seen.push(e.admin === e.record);
      e.admin!.set('role', 'owner');
    });
    onAdminsListRequest!((e) => void seen.push(e.admins.length));
    const admins = recordEvent('_superusers', 'create');
    const users = recordEvent('users', 'create');
    expect(
      await runFilter(
        hooks,
        'records.create',
        { email: 'a@b.c' },
        admins.meta,
        handlerContext(),
        admins.tags,
      ),
    ).toEqual({
      email: 'a@b.c',
      role: 'owner',
    });
    await runFilter(hooks, 'records.create', { email: 'u@b.c' }, users.meta, handlerContext(), users.tags);
    const list = { page: 1, perPage: 30, totalItems: 1, totalPages: 1, items: [{ id: 'x' }] };
    await runFilter(
      hooks,
      'records.list',
      list,
      { collection: '_superusers' },
      handlerContext(),
      admins.tags,
    );
    expect(seen).toEqual([true, 1]);
  });

  it('hands auth hooks e.token, e.record and e.meta, and e.identity/e.password before a password login', async () => {
    const { hooks, vocabularyContext } = setupHooks();
    const { onRecordAuthRequest, onRecordBeforeAuthWithPasswordRequest } = pocketbase(vocabularyContext());
    onRecordAuthRequest!((e) => {
      e.meta = { ...e.meta, greeted: e.record!.get('name') };
      e.token = `${e.token}!`;
    }, 'users');
    onRecordBeforeAuthWithPasswordRequest!((e) => {
      e.identity = String(e.identity).trim().toLowerCase();
    });
    const { tags } = recordEvent('users', 'create');
    const meta = {
      event: 'auth.token',
      collection: 'users',
      collectionId: 'pbc_users',
      provider: 'password',
    };
    const response = { token: 't', record: { id: 'u1', name: 'Ann' }, meta: {} };
    expect(await runFilter(hooks, 'auth.token', response, meta, handlerContext(), tags)).toEqual({
      token: 't!',
      record: { id: 'u1', name: 'Ann' },
      meta: { greeted: 'Ann' },
    });
    expect(
      await runFilter(
        hooks,
        'auth.login',
        { identity: ' Ann@X.io ', password: 'p', record: null },
        meta,
        handlerContext(),
        tags,
      ),
    ).toEqual({ identity: 'ann@x.io', password: 'p', record: null });
  });

  it('lets mailer hooks change e.message and realtime hooks read e.client.id()', async () => {
    const { hooks, vocabularyContext } = setupHooks();
    const { onMailerBeforeRecordResetPasswordSend, onRealtimeBeforeMessageSend } = pocketbase(
      vocabularyContext(),
    );
    onMailerBeforeRecordResetPasswordSend!((e) => {
      e.message.subject = `new subject for ${e.record!.get('email')}`;
    });
    onRealtimeBeforeMessageSend!((e) => (e.client.id() === 'blocked' ? false : undefined));
    const message = { to: 'a@b.c', subject: 'Reset', html: '' };
    const mailMeta = {
      collection: 'users',
      collectionId: 'pbc_users',
      record: { id: 'u1', email: 'a@b.c' },
      meta: {},
    };
    expect(
      await runFilter(hooks, 'mailer.password_reset', message, mailMeta, undefined, ['users']),
    ).toMatchObject({
      subject: 'new subject for a@b.c',
    });
    const sent = await runFilter(
      hooks,
      'realtime.message',
      { name: 'x', data: {} },
      { clientId: 'blocked' },
      undefined,
    );
    expect(sent).toBeInstanceOf(FilterStopped);
  });

  it('refuses hooks of features that do not exist yet, naming the hook and the feature', () => {
    const { hooks, vocabularyContext } = setupHooks([
      {
        name: 'sample.unbuilt',
        kinds: ['filter', 'action'],
        description: 'An event of a feature not built.',
        missingFeature: 'samples',
        aliases: {
          pocketbase: [
            { name: 'onSampleBeforeUnbuilt', kind: 'filter' },
            { name: 'onSampleAfterUnbuilt', kind: 'action' },
          ],
        },
      },
    ]);
    const pb = pocketbase(vocabularyContext());
    expect(() => pb.onSampleBeforeUnbuilt!(() => {})).toThrow(
      '"onSampleBeforeUnbuilt" (sample.unbuilt) cannot be hooked: Sluice has no samples yet.',
    );
    expect(() => pb.onSampleAfterUnbuilt!(() => {})).toThrow(EventUnavailableError);
    expect(hooks.registrations()).toEqual([]);
  });

  it('runs after-hooks as actions and app hooks as init handlers', async () => {
    const { hooks, vocabularyContext } = setupHooks();
    const { onRecordAfterCreateRequest, onBeforeBootstrap } = pocketbase(vocabularyContext());
    const seen: unknown[] = [];
    onRecordAfterCreateRequest!((e) => void seen.push(e.record!.id));
    onBeforeBootstrap!((e) => void seen.push(e.app));
    const { meta, tags } = recordEvent('articles', 'create', { key: 'a1', record: { id: 'a1' } });
    hooks.runAction('records.create', meta, handlerContext(), tags);
    await hooks.drain();
    await hooks.runInit('app.bootstrap', { app: 'app' });
    expect(seen).toEqual(['a1', 'app']);
    expect(hooks.registrations().map((registration) => registration.kind)).toEqual(['action', 'init']);
  });
});
