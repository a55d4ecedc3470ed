import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryAgent, send } from './send.ts';

const secret = `whsec_${Buffer.from('a secret of twenty-four bytes').toString('base64')}`;

describe('sending a delivery', () => {
  const received: { headers: Record<string, string>; body: string }[] = [];
  const receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push({ headers: request.headers as Record<string, string>, body });
      response.writeHead(429, { 'retry-after': '7' }).end('slow down');
    });
  });
  let port = 0;
  const stopping = new AbortController();

  beforeAll(async () => {
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    port = (receiver.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => receiver.close(resolve)));

  it('signs per Standard Webhooks and reports the answer and its Retry-After', async () => {
    const agent = deliveryAgent(true, 2);
    const result = await send({ url: `http://127.0.0.1:${port}/hook`, secret }, 'msg_1', '{"a":1}', {
      timeoutMs: 5000,
      allowPrivate: true,
      dispatcher: agent,
      stopping: stopping.signal,
    });
    await agent.close();
    expect(result.attempt).toMatchObject({ status: 429, response: 'slow down' });
    expect(result.retryAfterMs).toBe(7000);
    const [delivery] = received;
    expect(new Webhook(secret).verify(delivery?.body ?? '', delivery?.headers ?? {})).toEqual({ a: 1 });
    expect(delivery?.headers['webhook-id']).toBe('msg_1');
  });

  it('checks the address a host name resolves to when it connects, and sends nothing to a private one', async () => {
    received.length = 0;
    const agent = deliveryAgent(false, 2);
    const options = { timeoutMs: 5000, allowPrivate: false, dispatcher: agent, stopping: stopping.signal };
    const byName = await send({ url: `http://localhost:${port}/hook`, secret }, 'msg_2', '{}', options);
    const byAddress = await send({ url: `http://127.0.0.1:${port}/hook`, secret }, 'msg_3', '{}', options);
    await agent.close();
    expect(byName.attempt.status).toBe(0);
    expect(byName.attempt.response).toMatch('private, loopback or link-local');
    expect(byAddress.attempt.response).toMatch('private, loopback or link-local');
    expect(received).toEqual([]);
  });

  it('gives up a send in flight when the server stops, rather than reporting an attempt', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const agent = deliveryAgent(true, 2);
    const stop = new AbortController();
    const sending = send(
      { url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/hook`, secret },
      'msg_4',
      '{}',
      { timeoutMs: 5000, allowPrivate: true, dispatcher: agent, stopping: stop.signal },
    );
    await new Promise((resolve) => silent.once('connection', resolve));
    stop.abort();
    await agent.destroy();
    await expect(sending).rejects.toThrow();
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
  });
});
