import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

/** Allows pages of every origin to call the API (PocketBase's default). */
export const ANY_ORIGIN = '*';

/** Browsers must not guess a type other than the one sent, nor show the API in another site's frame. */
export const PROTECTIVE_HEADERS = { 'x-content-type-options': 'nosniff', 'x-frame-options': 'SAMEORIGIN' };

/**
 * The headers of every answer meant for browsers: CORS for `origins` (a page of another origin
 * may call the API and read its answers, errors included; preflight requests are answered 204
 * with the methods and headers allowed), and the protective headers.
 */
export function registerBrowserHeaders(http: FastifyInstance, origins: readonly string[]): void {
  http.addHook('onRequest', (_request, reply, done) => {
    reply.headers(PROTECTIVE_HEADERS);
    done();
  });
  http.register(cors, {
    origin: [...origins],
    methods: ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'],
    // an OPTIONS request that is no preflight is answered 204 all the same, not with a text error
    strictPreflight: false,
  });
}
