import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';

const responses = new WeakMap<IncomingMessage, ServerResponse>();
const signals = new WeakMap<IncomingMessage, AbortSignal>();

/** Remembers the response of `request`, so that clientSignal can tell when its client leaves. */
export function watchClient(request: FastifyRequest, reply: FastifyReply): void {
  responses.set(request.raw, reply.raw);
}

/**
 * A signal aborted when the client of `request` disconnects before its answer was sent (made on
 * first use); undefined for requests not made over HTTP.
 */
export function clientSignal(request: FastifyRequest | undefined): AbortSignal | undefined {
  if (!request) return undefined;
  let signal = signals.get(request.raw);
  if (signal) return signal;
  const response = responses.get(request.raw);
  if (!response) return undefined;
  const controller = new AbortController();
  if (response.destroyed && !response.writableFinished) controller.abort();
  else {
    response.once('close', () => {
      if (!response.writableFinished) controller.abort();
    });
  }
  signal = controller.signal;
  signals.set(request.raw, signal);
  return signal;
}
