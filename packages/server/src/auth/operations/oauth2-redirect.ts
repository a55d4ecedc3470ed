import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../app/types.ts';
import { realtimeOf } from '../../realtime/routes.ts';

export const OAUTH2_TOPIC = '@oauth2';
export const SUCCESS_PAGE = '/api/oauth2-redirect/success';
export const FAILURE_PAGE = '/api/oauth2-redirect/failure';

/** Where an instance hands a redirect to the others, when the client waits on one of them. */
const CHANNEL = 'oauth2-redirect';

interface Relayed {
  clientId: string;
  message: Record<string, string>;
  ip: string;
}

/**
 * With several instances, the realtime client may be connected to another one: each instance
 * delivers the redirects the others relay to it. Stops with the HTTP server.
 */
export function relayOAuth2Redirects(app: App): void {
  const { cluster } = app;
  if (!cluster) return;
  const subscribed = cluster.subscribe(CHANNEL, (message) => {
    const { clientId, message: data, ip } = message as Relayed;
    realtimeOf(app)?.sendOnce(clientId, OAUTH2_TOPIC, data, ip);
  });
  app.http.addHook('preClose', async () => {
    await (await subscribed)();
  });
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * `GET`/`POST /api/oauth2-redirect`, where providers send the browser back in the SDK's popup
 * flow: `{state, code, error}` goes to the realtime client whose id is the state, if it
 * subscribed to `@oauth2` from the same address (on this instance, or else relayed to the
 * others); the browser then lands on a page saying whether to go on. The URL carries the code,
 * so nothing of it is logged here.
 */
export async function forwardOAuth2Redirect(
  app: App,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const params = {
    ...(request.query as Record<string, unknown>),
    ...(request.method === 'POST' && typeof request.body === 'object' && request.body !== null
      ? (request.body as Record<string, unknown>)
      : {}),
  };
  const state = text(params.state);
  const code = text(params.code);
  const error = text(params.error);
  const message: Record<string, string> = { state, code };
  if (error !== '') message.error = error;
  let sent = state !== '' && realtimeOf(app)?.sendOnce(state, OAUTH2_TOPIC, message, request.ip) === true;
  if (!sent && state !== '' && app.cluster) {
    const relayed: Relayed = { clientId: state, message, ip: request.ip };
    await app.cluster.publish(CHANNEL, relayed, { settled: true });
    sent = true;
  }
  const page = sent && error === '' && code !== '' ? SUCCESS_PAGE : FAILURE_PAGE;
  return reply.redirect(page, request.method === 'POST' ? 303 : 307);
}

const page = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body><p>${body}</p><script>setTimeout(() => window.close(), 1500)</script></body></html>`;

export const successPage = page(
  'Signed in',
  'Authentication completed. You can close this window and go back to the app.',
);
export const failurePage = page(
  'Sign-in failed',
  'Authentication failed. Close this window and try again from the app.',
);
