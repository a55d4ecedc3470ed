import { Catalogue } from '@sluice/hooks';
import { describe, expect, it } from 'vitest';
import { events } from '../catalogue/events.ts';
import { CompiledSubscription, unknownPattern } from './patterns.ts';

const catalogue = new Catalogue(events);
const noTriple = () => {
  throw new Error('A subscription without triples asked for the triple.');
};

describe('webhook patterns', () => {
  it('accepts catalogue names and wildcards that cover an action event', () => {
    expect(
      unknownPattern(catalogue, ['records.create', 'records.*', '*.create', 'settings.update']),
    ).toBeUndefined();
  });

  it('names the first pattern that covers nothing', () => {
    expect(unknownPattern(catalogue, ['records.create', 'records.explode', 'nope'])).toBe('records.explode');
    expect(unknownPattern(catalogue, ['records..create'])).toBe('records..create');
  });

  it('matches names segment by segment, and tags when the subscription has any', () => {
    const all = new CompiledSubscription({ events: ['records.*'], tags: [] });
    expect(all.matches('records.create', ['posts'], noTriple)).toBe(true);
    expect(all.matches('collections.create', [], noTriple)).toBe(false);
    const posts = new CompiledSubscription({ events: ['*.create'], tags: ['posts'] });
    expect(posts.matches('records.create', ['posts', 'pbc_1'], noTriple)).toBe(true);
    expect(posts.matches('records.create', ['notes', 'pbc_2'], noTriple)).toBe(false);
  });

  it('takes Qelos triples, * in any field, for custom events too', () => {
    expect(unknownPattern(catalogue, ['auth/signup/*', 'plugin:my-plugin/*/*'])).toBeUndefined();
    expect(unknownPattern(catalogue, ['auth/signup'])).toBe('auth/signup');
    expect(unknownPattern(catalogue, ['auth//x'])).toBe('auth//x');
    const custom = new CompiledSubscription({ events: ['plugin:my-plugin/*/thing-changed'], tags: [] });
    const triple = { source: 'plugin:my-plugin', kind: 'my-type', eventName: 'thing-changed' };
    expect(custom.matches('plugin.event', [], () => triple)).toBe(true);
    expect(custom.matches('plugin.event', [], () => ({ ...triple, eventName: 'other' }))).toBe(false);
    expect(custom.matches('records.create', [], () => ({ ...triple, source: 'plugin:else' }))).toBe(false);
  });
});
