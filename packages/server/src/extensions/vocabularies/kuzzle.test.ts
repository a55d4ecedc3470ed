import { HookError } from '@sluice/hooks';
import { describe, expect, it } from 'vitest';
import { handlerContext, recordEvent, runFilter, setupHooks } from '../testing.ts';
import { kuzzle } from './kuzzle.ts';

describe('kuzzle vocabulary (app.pipe / app.hook)', () => {
  it('runs a pipe on server:afterNow with the request, whose result becomes the payload', async () => {
    const { hooks, vocabularyContext } = setupHooks();
    const app = kuzzle(vocabularyContext('hooks/now'));
    app.pipe.register('server:afterNow', async (request) => {
      request.result.now = new Date(0).toUTCString();
      return request;
    });
    expect(hooks.registrations()).toMatchObject([
      { kind: 'filter', event: 'server.now', owner: 'hooks/now' },
    ]);
    expect(await runFilter(hooks, 'server.now', { now: 1 }, {}, handlerContext())).toEqual({
      now: 'Thu, 01 Jan 1970 00:00:00 GMT',
    });
  });

  it('passes generic document events (documents, request) and aborts with kerror status', async () => {
    const { hooks, vocabularyContext } = setupHooks();
    const app = kuzzle(vocabularyContext());
    app.pipe.register('generic:document:beforeGet', async (documents, request) => {
      for (const document of documents) {
        if (request!.context.user._id !== document._source._kuzzle_info.creator) {
          throw new app.kerror.ForbiddenError('Unauthorized access');
        }
      }
      return documents;
    });
    const record = { id: 'd1', title: 'Mine', creator: 'u1' };
    const meta = { event: 'records.view', collection: 'notes', collectionId: 'pbc_notes', query: {} };
    const tags = ['notes', 'pbc_notes'];
    expect(
      await runFilter(hooks, 'records.view', record, meta, handlerContext({ user: 'u1' }), tags),
    ).toEqual(record);
    await expect(
      runFilter(hooks, 'records.view', record, meta, handlerContext({ user: 'u2' }), tags),
    ).rejects.toMatchObject({
      status: 403,
      message: 'Unauthorized access',
    });
    await expect(
      runFilter(hooks, 'records.view', record, meta, handlerContext(), tags),
    ).rejects.toMatchObject({
      status: 403,
    });
  });

  it('wraps an error that is not one of the default errors', async () => {
    const { hooks, vocabularyContext } = setupHooks();
    kuzzle(vocabularyContext('hooks/broken')).pipe.register('document:beforeCreate', () => {
      throw new Error('internal detail');
    });
    const { meta, tags } = recordEvent('articles', 'create');
    const failure = await runFilter(hooks, 'records.create', {}, meta, handlerContext(), tags).catch(
      (error) => error,
    );
    expect(failure).toBeInstanceOf(HookError);
    expect(failure).toMatchObject({ status: 500, extension: 'hooks/broken' });
  });

  it('lets a write pipe change the document source, a delete pipe the ids', async () => {
    const { hooks, vocabularyContext } = setupHooks();
    const app = kuzzle(vocabularyContext());
    app.pipe.register('generic:document:beforeWrite', (documents) => {
      documents[0]._source.stamped = true;
      return documents;
    });
    app.pipe.register('generic:document:beforeDelete', (documents) =>
      documents.filter((document: { _id: string }) => document._id !== 'keep'),
    );
    const creation = recordEvent('articles', 'create');
    expect(
      await runFilter(
        hooks,
        'records.create',
        { title: 't' },
        creation.meta,
        handlerContext(),
        creation.tags,
      ),
    ).toEqual({
      title: 't',
      stamped: true,
    });
    const deletion = recordEvent('articles', 'delete');
    expect(
      await runFilter(hooks, 'records.delete', ['a', 'keep'], deletion.meta, handlerContext(), deletion.tags),
    ).toEqual(['a']);
  });

  it('runs hooks after the fact, and hook:onError gets (pluginName, event, error) without looping', async () => {
    const { hooks, lines, vocabularyContext } = setupHooks();
    const app = kuzzle(vocabularyContext('hooks/audit'));
    const users: unknown[] = [];
    const errors: unknown[] = [];
    app.hook.register('security:afterCreateRestrictedUser', async (request) => {
      users.push(request.result);
      throw new Error('audit service down');
    });
    app.hook.register('hook:onError', async (pluginName: string, event: string, error: Error) => {
      errors.push([pluginName, event, error.message]);
      throw new Error('the error handler fails too');
    });
    const users_ = recordEvent('users', 'create', { key: 'u1', record: { id: 'u1', name: 'Ann' } });
    hooks.runAction('records.create', users_.meta, handlerContext(), users_.tags);
    const articles = recordEvent('articles', 'create', { key: 'a1', record: { id: 'a1' } });
    hooks.runAction('records.create', articles.meta, handlerContext(), articles.tags);
    await hooks.drain();
    expect(users).toEqual([{ id: 'u1', name: 'Ann' }]);
    expect(errors).toEqual([['hooks/audit', 'security:afterCreateRestrictedUser', 'audit service down']]);
    expect(lines.filter((line) => line.level === 'error')).toHaveLength(2);
  });

  it('registers the security controller’s role pipes and hooks on the roles events', () => {
    const { hooks, vocabularyContext } = setupHooks();
    const app = kuzzle(vocabularyContext());
    app.pipe.register('security:beforeCreateRole', () => {});
    app.hook.register('security:afterDeleteRole', () => {});
    expect(hooks.registrations().map(({ kind, event }) => `${kind} ${event}`)).toEqual([
      'filter roles.create',
      'action roles.delete',
    ]);
  });

  it('logs through app.log', () => {
    const { lines, vocabularyContext } = setupHooks();
    kuzzle(vocabularyContext('hooks/log')).log.info('New user registered');
    expect(lines).toEqual([{ level: 'info', details: {}, message: 'New user registered' }]);
  });
});
