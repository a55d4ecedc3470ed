import type { FastifyInstance } from 'fastify';

/** Allows pages of every origin to call the API (PocketBase's default). */
export const ANY_ORIGIN = '*';

/** Browsers must not guess a type other than the one sent, nor show the API in another site's frame. */
export const PROTECTIVE_HEADERS = { 'x-content-type-options': 'nosniff', 'x-frame-options': 'SAMEORIGIN' };

const ALLOWED_METHODS = 'GET, HEAD, PUT, PATCH, POST, DELETE';

/**
 * The headers of every answer meant for browsers: CORS for `origins` (a page of another origin
 * may call the API and read its answers, errors included; an OPTIONS request — a preflight — is
 * answered 204 with the methods and headers allowed), and the protective headers. One hook that
 * sets prepared headers: it runs on every request.
 */
export function registerBrowserHeaders(http: FastifyInstance, origins: readonly string[]): void {
  const anyOrigin = origins.includes(ANY_ORIGIN);
  const allowed = new Set(origins);
  const everyAnswer: Record<string, string> = anyOrigin
    ? { ...PROTECTIVE_HEADERS, 'access-control-allow-origin': ANY_ORIGIN }
    : { ...PROTECTIVE_HEADERS, vary: 'Origin' };

  http.addHook('onRequest', (request, reply, done) => {
    reply.headers(everyAnswer);
    const origin = request.headers.origin;
    if (!anyOrigin && origin !== undefined && allowed.has(origin)) {
      reply.header('access-control-allow-origin', origin);
    }
    if (request.method !== 'OPTIONS') {
      done();
      return;
    }
    reply.header('access-control-allow-methods', ALLOWED_METHODS);
    const requested = request.headers['access-control-request-headers'];
    if (requested) reply.header('access-control-allow-headers', requested);
    reply.header('access-control-max-age', '86400');
    reply.code(204).send();
  });
}
