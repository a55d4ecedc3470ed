import { EventUnavailableError, UnknownEventError } from '@sluice/hooks';
import { describe, expect, it } from 'vitest';
import { handlerContext, recordEvent, setupHooks } from '../testing.ts';
import { qelos } from './qelos.ts';

describe('qelos vocabulary (registerToHook)', () => {
  it('resolves {source, kind, eventName} through the catalogue and hands {tenantPayload, user, body}', async () => {
    const { hooks, vocabularyContext } = setupHooks();
    const { registerToHook } = qelos(vocabularyContext());
    const seen: any[] = [];
    registerToHook(
      { source: 'auth', kind: 'signup', eventName: 'user-registered' },
      (req) => void seen.push(req),
    );
    expect(hooks.registrations()).toMatchObject([{ kind: 'action', event: 'auth.signup' }]);
    const ctx = handlerContext({ user: 'u1', record: { id: 'u1' } });
    hooks.runAction('auth.signup', { event: 'auth.signup', collection: 'users', record: { id: 'u1' } }, ctx, [
      'users',
    ]);
    await hooks.drain();
    expect(seen).toEqual([
      {
        tenantPayload: {},
        user: { id: 'u1' },
        body: expect.objectContaining({
          source: 'auth',
          kind: 'signup',
          eventName: 'user-registered',
          user: 'u1',
          metadata: expect.objectContaining({ record: { id: 'u1' } }),
        }),
      },
    ]);
    expect(seen[0].body.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('accepts * in each field, and the event names the alias it reached', async () => {
    const { hooks, vocabularyContext } = setupHooks();
    const { registerToHook } = qelos(vocabularyContext());
    const names: string[] = [];
    registerToHook(
      { source: 'auth', kind: 'users', eventName: '*' },
      ({ body }) => void names.push(`users:${body.eventName}`),
    );
    registerToHook(
      { source: 'auth', kind: '*', eventName: '*' },
      ({ body }) => void names.push(`auth:${body.eventName}`),
    );
    registerToHook(
      { source: '*', kind: 'signup', eventName: '*' },
      ({ body }) => void names.push(`signup:${body.eventName}`),
    );
    const users = recordEvent('users', 'update', { keys: ['u1'] });
    hooks.runAction('records.update', users.meta, handlerContext(), users.tags);
    const articles = recordEvent('articles', 'update', { keys: ['a1'] });
    hooks.runAction('records.update', articles.meta, handlerContext(), articles.tags);
    hooks.runAction('auth.signup', { collection: 'users', record: { id: 'u2' } }, handlerContext(), [
      'users',
    ]);
    await hooks.drain();
    expect(names.sort()).toEqual([
      'auth:user-registered',
      'auth:user-updated',
      'signup:user-registered',
      'users:user-updated',
    ]);
  });

  it('prefixes dispatched events with plugin: and delivers them to plugin: and * registrations', async () => {
    const { hooks, vocabularyContext } = setupHooks();
    const { registerToHook, getSdk } = qelos(vocabularyContext('hooks/my-plugin', 'my-plugin'));
    const reached: string[] = [];
    registerToHook({ source: 'plugin:my-plugin', kind: '*', eventName: '*' }, (req) => {
      const { user, eventName, metadata } = req.body;
      if (user === '111' && metadata.customData === 1 && eventName === 'thing-changed') reached.push('exact');
    });
    registerToHook({ source: '*', kind: 'my-type', eventName: '*' }, () => void reached.push('by kind'));
    registerToHook(
      { source: '*', kind: '*', eventName: '*' },
      ({ body }) => void reached.push(`any ${body.source}`),
    );
    registerToHook(
      { source: 'plugin:other', kind: 'my-type', eventName: '*' },
      () => void reached.push('other'),
    );
    registerToHook(
      { source: 'plugin:my-plugin', kind: 'other-type', eventName: '*' },
      () => void reached.push('wrong kind'),
    );

    const event = getSdk().events.dispatch({
      user: '111',
      source: 'my-plugin',
      kind: 'my-type',
      eventName: 'thing-changed',
      metadata: { customData: 1 },
    });
    expect(event.source).toBe('plugin:my-plugin');
    const defaulted = getSdk().events.dispatch({
      kind: 'my-type',
      eventName: 'defaulted',
      source: 'plugin:x',
    });
    expect(defaulted.source).toBe('plugin:x');
    expect(getSdk().events.dispatch({ kind: 'k', eventName: 'e' }).source).toBe('plugin:my-plugin');
    await hooks.drain();
    expect(reached).toEqual([
      'exact',
      'by kind',
      'any plugin:my-plugin',
      'by kind',
      'any plugin:x',
      'any plugin:my-plugin',
    ]);
  });

  it('refuses a triple that matches only events of missing features, naming the triple and the features', () => {
    const { vocabularyContext } = setupHooks([
      {
        name: 'sample.unbuilt',
        kinds: ['action'],
        description: 'An event of a feature not built.',
        missingFeature: 'samples',
        aliases: { qelos: ['samples.sample-operation.sample-unbuilt'] },
      },
    ]);
    const { registerToHook } = qelos(vocabularyContext());
    expect(() =>
      registerToHook({ source: 'samples', kind: 'sample-operation', eventName: 'sample-unbuilt' }, () => {}),
    ).toThrow(/cannot be hooked: Sluice has no samples yet\./);
    expect(() => registerToHook({ source: 'samples', kind: '*', eventName: '*' }, () => {})).toThrow(
      EventUnavailableError,
    );
    expect(() =>
      registerToHook({ source: 'assets', kind: 'asset-operation', eventName: 'asset-uploaded' }, () => {}),
    ).not.toThrow();
    expect(() => registerToHook({ source: 'auth', kind: '*', eventName: '*' }, () => {})).not.toThrow();
  });

  it('refuses a triple that matches nothing', () => {
    const { vocabularyContext } = setupHooks();
    expect(() =>
      qelos(vocabularyContext()).registerToHook({ source: 'auth', kind: 'nope', eventName: '*' }, () => {}),
    ).toThrow(UnknownEventError);
  });
});
