import { Catalogue } from '@sluice/hooks';
import { describe, expect, it } from 'vitest';
import { events } from '../catalogue/events.ts';
import { CompiledSubscription, unknownPattern } from './patterns.ts';

const catalogue = new Catalogue(events);

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
    expect(all.matches('records.create', ['posts'])).toBe(true);
    expect(all.matches('collections.create', [])).toBe(false);
    const posts = new CompiledSubscription({ events: ['*.create'], tags: ['posts'] });
    expect(posts.matches('records.create', ['posts', 'pbc_1'])).toBe(true);
    expect(posts.matches('records.create', ['notes', 'pbc_2'])).toBe(false);
  });
});
