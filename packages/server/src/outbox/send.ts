import type { Webhook as Signer } from 'standardwebhooks';
import type * as Undici from 'undici';
import type { Agent, Dispatcher } from 'undici';
import { lazyModule } from '../lazy-module.ts';
import { formatDate } from '../records/dates.ts';
import type { Webhook } from '../webhooks/store.ts';
import { guardedLookup, urlProblem } from '../webhooks/targets.ts';
import { parseRetryAfter } from './schedule.ts';
import type { Attempt } from './store.ts';

// loaded at the first delivery: a server without webhooks does without them
const standardWebhooks = lazyModule<typeof import('standardwebhooks')>('standardwebhooks');
const undici = lazyModule<typeof Undici>('undici');

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
  /** Keeps connections to each endpoint alive between sends; see `deliveryAgent`. */
  dispatcher: Dispatcher;
  /**
   * Aborted when the server stops, before `dispatcher` is destroyed (which cuts off the sends in
   * flight): a send then given up does not count as an attempt.
   */
  stopping: AbortSignal;
}

/**
 * `make(key)`, made once per key: at 1000 keys the lot is dropped, so that what a rotated secret
 * or an edited URL made is not kept for ever.
 */
function madeOncePerKey<V>(make: (key: string) => V): (key: string) => V {
  const made = new Map<string, V>();
  return (key) => {
    if (made.has(key)) return made.get(key) as V;
    if (made.size >= 1000) made.clear();
    const value = make(key);
    made.set(key, value);
    return value;
  };
}

/** One signer per secret: its key is decoded once, not per delivery. */
const signerOf = madeOncePerKey((secret): Signer => new (standardWebhooks().Webhook)(secret));

/** What `urlProblem` says of a URL (refused or not), per `allowPrivate`: parsed once, not per send. */
const urlProblemOf = {
  allowingPrivate: madeOncePerKey((url) => urlProblem(url, true)),
  publicOnly: madeOncePerKey((url) => urlProblem(url, false)),
};

/**
 * The connection pool deliveries go through: kept alive per endpoint, at most
 * `connections` per endpoint, and each host name resolved and checked at connect time.
 */
export function deliveryAgent(allowPrivate: boolean, connections: number): Agent {
  return new (undici().Agent)({ connect: { lookup: guardedLookup(allowPrivate) }, connections });
}

/**
 * POSTs an event to a webhook, signed per Standard Webhooks: `webhook-id` (the delivery's id,
 * the same on every retry), `webhook-timestamp` and `webhook-signature`.
 */
export async function send(
  webhook: Pick<Webhook, 'url' | 'secret'>,
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
  const refused = (options.allowPrivate ? urlProblemOf.allowingPrivate : urlProblemOf.publicOnly)(
    webhook.url,
  );
  if (refused) return { attempt: attempt(0, refused) };
  try {
    // undici's request follows no redirect, which could lead to an address the checks refuse
    const response = await undici().request(webhook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': deliveryId,
        'webhook-timestamp': String(Math.floor(time.getTime() / 1000)),
        'webhook-signature': signerOf(webhook.secret).sign(deliveryId, time, body),
      },
      body,
      dispatcher: options.dispatcher,
      // undici's own timeouts, and no abort signal (the dispatcher is destroyed instead): a
      // signal's listeners and a timer per request cost more than the rest of the send
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    // a 204 (what receivers mostly answer) has no body to read
    const excerpt =
      response.statusCode === 204 || response.headers['content-length'] === '0'
        ? await response.body.dump().then(() => '')
        : await excerptOf(response.body);
    const retryAfter = response.headers['retry-after'];
    return {
      attempt: attempt(response.statusCode, excerpt),
      retryAfterMs: parseRetryAfter(
        Array.isArray(retryAfter) ? (retryAfter[0] ?? null) : (retryAfter ?? null),
      ),
    };
  } catch (error) {
    if (options.stopping.aborted) throw error;
    const code = (error as { code?: string }).code;
    const message =
      code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT'
        ? `Timed out after ${options.timeoutMs} ms.`
        : String((error as Error).cause ?? (error as Error).message);
    return { attempt: attempt(0, message) };
  }
}

/** The first kilobyte of a response body, read no further. */
async function excerptOf(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    // leaving the loop destroys the rest of the body
    if (size >= EXCERPT_BYTES) break;
  }
  return Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8');
}
