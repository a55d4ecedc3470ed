import { Webhook as Signer } from 'standardwebhooks';
import { formatDate } from '../records/dates.ts';
import type { Webhook } from '../webhooks/store.ts';
import { targetProblem } from '../webhooks/targets.ts';
import { parseRetryAfter } from './schedule.ts';
import type { Attempt } from './store.ts';

/** How much of a response body an attempt keeps. */
const EXCERPT_BYTES = 1024;

export interface SendResult {
  attempt: Attempt;
  /** The receiver's `Retry-After`, in milliseconds. */
  retryAfterMs?: number;
}

export interface SendOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  /** Aborted when the server stops: the send is then given up without counting as an attempt. */
  stopping: AbortSignal;
}

/**
 * POSTs an event to a webhook, signed per Standard Webhooks: `webhook-id` (the delivery's id,
 * the same on every retry), `webhook-timestamp` and `webhook-signature`.
 */
export async function send(
  webhook: Webhook,
  deliveryId: string,
  body: string,
  options: SendOptions,
): Promise<SendResult> {
  const time = new Date();
  const started = performance.now();
  const attempt = (status: number, response: string): Attempt => ({
    time: formatDate(time),
    status,
    durationMs: Math.round(performance.now() - started),
    response,
  });
  const refused = await targetProblem(webhook.url, options.allowPrivate);
  if (refused) return { attempt: attempt(0, refused) };
  const timeout = AbortSignal.timeout(options.timeoutMs);
  try {
    const response = await fetch(webhook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': deliveryId,
        'webhook-timestamp': String(Math.floor(time.getTime() / 1000)),
        'webhook-signature': new Signer(webhook.secret).sign(deliveryId, time, body),
      },
      body,
      // a redirect could lead to an address the target check refused
      redirect: 'manual',
      signal: AbortSignal.any([timeout, options.stopping]),
    });
    const excerpt = await excerptOf(response);
    return {
      attempt: attempt(response.status, excerpt),
      retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
    };
  } catch (error) {
    if (options.stopping.aborted) throw error;
    const message = timeout.aborted
      ? `Timed out after ${options.timeoutMs} ms.`
      : String((error as Error).cause ?? (error as Error).message);
    return { attempt: attempt(0, message) };
  }
}

/** The first kilobyte of a response body, read no further. */
async function excerptOf(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < EXCERPT_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
  }
  await reader.cancel().catch(() => {});
  return Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8');
}
