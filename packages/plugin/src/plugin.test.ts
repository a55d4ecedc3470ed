import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlugin } from './plugin.ts';
import { servePlugin } from './server.ts';
import { signedHeaders, verifyWebhook, WebhookVerificationError } from './signature.ts';

const secret = `whsec_${Buffer.from('a shared secret of some length').toString('base64')}`;

describe('signatures (Standard Webhooks)', () => {
  it('verifies what it signs, and nothing altered or stale', () => {
    const body = JSON.stringify({ hello: 'world' });
    const headers = signedHeaders(secret, 'msg_1', body);
    expect(() => verifyWebhook(secret, { ...headers }, body)).not.toThrow();
    expect(() => verifyWebhook(secret, { ...headers }, `${body} `)).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook('whsec_b3RoZXI=', { ...headers }, body)).toThrow(WebhookVerificationError);
    const old = signedHeaders(secret, 'msg_1', body, Date.now() - 10 * 60_000);
    expect(() => verifyWebhook(secret, { ...old }, body)).toThrow(/too old/);
  });

  it('accepts any of several space-separated signatures (key rotation)', () => {
    const body = '{}';
    const headers = signedHeaders(secret, 'msg_2', body);
    const rotated = { ...headers, 'webhook-signature': `v1,AAAA ${headers['webhook-signature']}` };
    expect(() => verifyWebhook(secret, rotated, body)).not.toThrow();
  });
});

describe('a served plugin', () => {
  const plugin = createPlugin({ name: 'my-plugin', secret });
  const seen: string[] = [];
  plugin.registerToHook({ source: 'auth', kind: 'signup', eventName: 'user-registered' }, ({ user }) => {
    seen.push(`signup:${user}`);
  });
  plugin.registerToHook({ source: 'plugin:my-plugin', kind: '*', eventName: '*' }, ({ body }) => {
    seen.push(`custom:${body.eventName}:${(body.metadata as { customData: number }).customData}`);
  });
  const server = servePlugin(plugin);
  let base = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const deliver = (event: object, signWith = secret) => {
    const body = JSON.stringify(event);
    return fetch(`${base}/hook`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...signedHeaders(signWith, `msg_${Math.random()}`, body),
      },
      body,
    });
  };

  it('serves its manifest with the subscriptions', async () => {
    const manifest = await (await fetch(`${base}/manifest.json`)).json();
    expect(manifest).toEqual({
      name: 'my-plugin',
      hookPath: '/hook',
      subscriptions: [
        { source: 'auth', kind: 'signup', eventName: 'user-registered' },
        { source: 'plugin:my-plugin', kind: '*', eventName: '*' },
      ],
    });
  });

  it('runs the handlers whose triple matches, * on any field', async () => {
    const base = { id: 'e1', time: new Date().toISOString(), tags: [] };
    const signup = await deliver({
      ...base,
      source: 'auth',
      kind: 'signup',
      eventName: 'user-registered',
      user: 'u1',
    });
    expect(await signup.json()).toEqual({ handled: 1 });
    const custom = await deliver({
      ...base,
      source: 'plugin:my-plugin',
      kind: 'my-type',
      eventName: 'thing-changed',
      user: '111',
      metadata: { customData: 1 },
    });
    expect(await custom.json()).toEqual({ handled: 1 });
    const other = await deliver({
      ...base,
      source: 'assets',
      kind: 'asset-operation',
      eventName: 'asset-uploaded',
    });
    expect(await other.json()).toEqual({ handled: 0 });
    expect(seen).toEqual(['signup:u1', 'custom:thing-changed:1']);
  });

  it('refuses a delivery with a bad signature', async () => {
    const response = await deliver(
      { source: 'auth', kind: 'signup', eventName: 'user-registered' },
      'whsec_b3RoZXI=',
    );
    expect(response.status).toBe(401);
    expect(seen).not.toContain('signup:undefined');
  });
});
