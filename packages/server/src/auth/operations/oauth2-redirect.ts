import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Realtime } from '../../realtime/hub.ts';

export const OAUTH2_TOPIC = '@oauth2';
export const SUCCESS_PAGE = '/api/oauth2-redirect/success';
export const FAILURE_PAGE = '/api/oauth2-redirect/failure';

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * `GET`/`POST /api/oauth2-redirect`, where providers send the browser back in the SDK's popup
 * flow: `{state, code, error}` goes to the realtime client whose id is the state, if it
 * subscribed to `@oauth2` from the same address; the browser then lands on a page saying
 * whether to go on. The URL carries the code, so nothing of it is logged here.
 */
export function forwardOAuth2Redirect(
  realtime: Realtime | undefined,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
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
  const sent = state !== '' && realtime?.sendOnce(state, OAUTH2_TOPIC, message, request.ip) === true;
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
