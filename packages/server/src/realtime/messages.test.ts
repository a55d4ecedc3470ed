import { createHooks } from '@sluice/hooks';
import { describe, expect, it } from 'vitest';
import type { App } from '../app/types.ts';
import { normalizeCollection } from '../collections/schema.ts';
import type { RecordChange } from './broker.ts';
import { ChangeMessages } from './messages.ts';
import { parseSubscription } from './subscriptions.ts';
import { fakeClient } from './testing.ts';

// Rules that need no database ('' or null): the app is only what the messages read of it.
const app = {
  hooks: createHooks(),
  database: { dialect: 'sqlite' },
  schema: { get: () => undefined },
  logger: { debug: () => {} },
} as unknown as App;

const big = normalizeCollection({
  name: 'big',
  fields: [{ name: 'body', type: 'text', max: 1_000_000 }],
  listRule: '',
  viewRule: null,
});

const change = (id: string, body: string): RecordChange => ({
  action: 'create',
  collectionId: big.id,
  id,
  row: { id, body, created: '2024-01-01 00:00:00.000Z', updated: '2024-01-01 00:00:00.000Z' },
});

/** `count` topics on `big` whose options differ only by a `fields` entry naming no field. */
const distinctFields = (client: number, count: number) =>
  Array.from({ length: count }, (_, index) =>
    parseSubscription(
      `big?options=${encodeURIComponent(JSON.stringify({ query: { fields: `*,c${client}z${index}` } }))}`,
    ),
  );

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('ChangeMessages', () => {
  it('builds one message for every subscription and client that selects the same', async () => {
    const clients = [0, 1, 2, 3].map((index) => fakeClient(`client${index}`));
    const messages = new ChangeMessages(app, big, change('r1', 'x'.repeat(1000)));
    await Promise.all(clients.map(({ client }, index) => messages.queue(client, distinctFields(index, 999))));
    await turn();
    const sent = clients.flatMap((client) => client.sent);
    expect(sent).toHaveLength(4 * 999);
    expect(new Set(sent.map((message) => message.data)).size).toBe(1);
  });

  it('drops the clients whose messages of a change exceed their budget, before building any', async () => {
    const clients = [0, 1, 2, 3].map((index) => fakeClient(`client${index}`, { maxBytes: 4_000_000 }));
    const messages = new ChangeMessages(app, big, change('r1', 'x'.repeat(900_000)));
    const queued = clients.map(({ client }, index) => messages.queue(client, distinctFields(index, 999)));
    expect(clients.every(({ client }) => client.closed)).toBe(true);
    await Promise.all(queued);
    await turn();
    expect(clients.flatMap((client) => client.sent)).toEqual([]);
    expect(clients.flatMap((client) => client.ended)).toEqual(['client0', 'client1', 'client2', 'client3']);
  });

  it('lets a client that does not read hold at most its budget', async () => {
    const { client } = fakeClient('stalled', { maxBytes: 1_000_000 }, { stalled: true });
    const subscriptions = [parseSubscription('big/*')];
    let most = 0;
    let changes = 0;
    while (!client.closed) {
      await new ChangeMessages(app, big, change(`r${changes++}`, 'x'.repeat(100_000))).queue(
        client,
        subscriptions,
      );
      most = Math.max(most, client.queuedBytes);
    }
    expect(most).toBeGreaterThan(900_000);
    expect(most).toBeLessThanOrEqual(1_000_000);
    expect(changes).toBeLessThanOrEqual(11);
  });

  it('counts a message the client may not see for nothing, once checked', async () => {
    const { client, sent } = fakeClient('guest', { maxBytes: 1_000_000 });
    const messages = new ChangeMessages(app, big, change('r1', 'x'.repeat(100_000)));
    const queued = messages.queue(client, [parseSubscription('big/r1'), parseSubscription('big/*')]);
    expect(client.queuedBytes).toBeGreaterThan(200_000);
    await queued;
    await turn();
    expect(client.queuedBytes).toBe(0);
    expect(sent.map((message) => message.name)).toEqual(['big/*']);
  });
});
