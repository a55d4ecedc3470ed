import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Caller } from '../db/types.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The raw response of this request, to tell when its client leaves. */
    rawResponse: ServerResponse | null;
    /** Made by callerOf on first use. */
    caller: Caller | null;
  }
}

/**
 * The request properties callerOf reads; the first onRequest hook sets `rawResponse`. Plain
 * properties rather than a WeakMap, which would give the garbage collector an entry per request
 * to trace.
 */
export function decorateCaller(http: FastifyInstance): void {
  http.decorateRequest('rawResponse', null);
  http.decorateRequest('caller', null);
}

/**
 * The client of `request`, as the database sees it: whether it has gone (disconnected before
 * its answer was sent), and a signal of that made only when asked for; undefined for requests
 * not made over HTTP.
 */
export function callerOf(request: FastifyRequest | undefined): Caller | undefined {
  if (!request) return undefined;
  if (request.caller) return request.caller;
  const response = request.rawResponse;
  if (!response) return undefined;
  const gone = () => response.destroyed && !response.writableFinished;
  let signal: AbortSignal | undefined;
  request.caller = {
    gone,
    signal() {
      if (signal) return signal;
      const controller = new AbortController();
      if (gone()) controller.abort();
      else {
        response.once('close', () => {
          if (!response.writableFinished) controller.abort();
        });
      }
      signal = controller.signal;
      return signal;
    },
  };
  return request.caller;
}
