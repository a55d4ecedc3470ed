import { describe, expect, it } from 'vitest';
import type { Collection } from '../collections/types.ts';
import { parseSubscription } from './subscriptions.ts';
import { visibilityKey } from './visibility.ts';

const collection = (listRule: string | null) => ({ listRule, viewRule: null }) as unknown as Collection;
const topic = (query: Record<string, string>, headers: Record<string, string> = {}) =>
  parseSubscription(`posts/*?options=${encodeURIComponent(JSON.stringify({ query, headers }))}`);

describe('visibilityKey', () => {
  it('shares one check between subscriptions that differ in what the rule does not read', () => {
    const posts = collection('public = true');
    const keys = [
      topic({ fields: 'id' }),
      topic({ fields: '*,c1z1', expand: 'author' }),
      topic({}, { x_token: 'a' }),
      parseSubscription('posts'),
    ].map((subscription) => visibilityKey(posts, subscription));
    expect(new Set(keys).size).toBe(1);
    expect(visibilityKey(posts, topic({ filter: 'a = 1' }))).not.toBe(keys[0]);
    expect(visibilityKey(posts, parseSubscription('posts/abc'))).not.toBe(keys[0]);
  });

  it('keeps the options apart when the rule or the filter reads them', () => {
    const byQuery = collection('owner = @request.query.owner');
    expect(visibilityKey(byQuery, topic({ owner: 'a' }))).not.toBe(
      visibilityKey(byQuery, topic({ owner: 'b' })),
    );
    const posts = collection('');
    const filter = 'token = @request.headers.x_token';
    expect(visibilityKey(posts, topic({ filter }, { x_token: 'a' }))).not.toBe(
      visibilityKey(posts, topic({ filter }, { x_token: 'b' })),
    );
  });
});
