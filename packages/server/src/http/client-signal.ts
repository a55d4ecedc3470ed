import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The raw response of this request, to tell when its client leaves. */
    rawResponse: ServerResponse | null;
    /** Made by clientSignal on first use. */
    clientGone: AbortSignal | null;
  }
}

/**
 * The request properties clientSignal reads; the first onRequest hook sets `rawResponse`. Plain
 * properties rather than a WeakMap, which would give the garbage collector an entry per request
 * to trace.
 */
export function decorateClientSignal(http: FastifyInstance): void {
  http.decorateRequest('rawResponse', null);
  http.decorateRequest('clientGone', null);
}

/**
 * A signal aborted when the client of `request` disconnects before its answer was sent (made on
 * first use); undefined for requests not made over HTTP.
 */
export function clientSignal(request: FastifyRequest | undefined): AbortSignal | undefined {
  if (!request) return undefined;
  if (request.clientGone) return request.clientGone;
  const response = request.rawResponse;
  if (!response) return undefined;
  const controller = new AbortController();
  if (response.destroyed && !response.writableFinished) controller.abort();
  else {
    response.once('close', () => {
      if (!response.writableFinished) controller.abort();
    });
  }
  request.clientGone = controller.signal;
  return controller.signal;
}
