import { describe, expect, it } from 'vitest';
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
