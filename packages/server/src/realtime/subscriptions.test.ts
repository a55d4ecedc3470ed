import { InvalidPayloadError, type SluiceError } from '@sluice/hooks';
import { describe, expect, it } from 'vitest';
import { parseSubscription, parseSubscriptions, subscriptionList } from './subscriptions.ts';

const withOptions = (path: string, options: unknown) =>
  `${path}?options=${encodeURIComponent(JSON.stringify(options))}`;

/** The `data` of the 400 that `run` throws. */
function refusal(run: () => unknown) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidPayloadError);
    return (error as SluiceError).details;
  }
  throw new Error('Not refused.');
}

describe('subscriptions', () => {
  it('refuses more topics than a client may have', () => {
    const topics = ['posts', 'posts/*', 'posts/abc'];
    expect(subscriptionList(topics, 3)).toEqual(topics);
    expect(refusal(() => subscriptionList([...topics, 'notes'], 3))).toEqual({
      subscriptions: { code: 'validation_length_too_long', message: 'At most 3 subscriptions per client.' },
    });
  });

  it('refuses more distinct options than a client may have; topics without options do not count', () => {
    const topics = [
      'posts',
      'posts/abc',
      withOptions('posts', { query: { fields: 'id' } }),
      withOptions('posts/abc', { query: { fields: 'id' } }),
      withOptions('notes', { query: { filter: 'a = 1' } }),
    ];
    expect(parseSubscriptions(topics, 2)).toHaveLength(5);
    expect(
      refusal(() => parseSubscriptions([...topics, withOptions('posts', { query: { expand: 'a' } })], 2)),
    ).toEqual({
      subscriptions: {
        code: 'validation_too_many_options',
        message: 'At most 2 distinct options per client.',
      },
    });
  });

  it('reads the fields option once, and refuses one it cannot read', () => {
    const subscription = parseSubscription(withOptions('posts/*', { query: { fields: 'id, title' } }));
    expect([...(subscription.fields?.children.keys() ?? [])]).toEqual(['id', 'title']);
    expect(parseSubscription('posts').fields).toBeNull();
    expect(refusal(() => parseSubscription(withOptions('posts', { query: { fields: 'a b' } })))).toEqual({
      subscriptions: { code: 'validation_invalid_options', message: expect.stringContaining('"posts"') },
    });
  });
});
