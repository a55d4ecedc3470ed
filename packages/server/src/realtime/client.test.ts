import { describe, expect, it } from 'vitest';
import type { Outgoing, Slot } from './client.ts';
import { fakeClient } from './testing.ts';

function clientOf(maxBytes: number, stalled = false) {
  return fakeClient('client', { maxQueue: 100, maxBytes }, { stalled });
}

const slot = (name: string, bytes: number): Slot => ({ message: { name, data: null, tags: [] }, bytes });
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('RealtimeClient', () => {
  it('counts queued messages until written, and drops the client that would hold more than its budget', async () => {
    const { client, response, ended } = clientOf(1000, true);
    expect(client.enqueue(slot('first', 600))).toBe(true);
    await turn();
    // written to a socket that does not drain: still counted
    expect(response.frames).toEqual(['first']);
    expect(client.enqueue(slot('second', 400))).toBe(true);
    expect(client.queuedBytes).toBe(1000);
    expect(client.enqueue(slot('third', 1))).toBe(false);
    expect(client.closed).toBe(true);
    expect(client.queuedBytes).toBe(0);
    expect(ended).toEqual(['client']);
    expect(client.enqueue(slot('fourth', 1))).toBe(false);
  });

  it('lets one message alone be larger than the budget, and forgets what it wrote', async () => {
    const { client, response } = clientOf(1000);
    expect(client.enqueue(slot('large', 5000))).toBe(true);
    await turn();
    expect(client.queuedBytes).toBe(0);
    expect(client.enqueue(slot('small', 10))).toBe(true);
    await turn();
    expect(response.frames).toEqual(['large', 'small']);
    expect(client.closed).toBe(false);
  });

  it('counts a message in the making at its estimate, then at its size, and skips it if it is nothing', async () => {
    const { client, response } = clientOf(1000);
    let made: (message: Outgoing | null) => void = () => {};
    const pending = { bytes: 300 } as Slot;
    pending.message = new Promise((resolve) => (made = resolve));
    client.enqueue(pending);
    client.enqueue(slot('after', 100));
    expect(client.queuedBytes).toBe(400);
    client.resize(pending, 0);
    expect(client.queuedBytes).toBe(100);
    made(null);
    await turn();
    expect(response.frames).toEqual(['after']);
    expect(client.queuedBytes).toBe(0);

    const growing = { bytes: 300 } as Slot;
    growing.message = new Promise(() => {});
    client.enqueue(slot('waiting', 500));
    client.enqueue(growing);
    client.resize(growing, 600);
    expect(client.closed).toBe(true);
  });
});
