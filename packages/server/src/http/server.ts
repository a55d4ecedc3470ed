import { isStopped, NotFoundError, OperationSkipped } from '@sluice/hooks';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { grantsOf } from '../access/grants.ts';
import type { App } from '../app/types.ts';
import { accountabilityFromHeader } from '../auth/accountability.ts';
import { type Accountability, guest } from '../context.ts';
import { decorateCaller } from './caller.ts';
import { clientErrorHandler } from './client-errors.ts';
import { errorBody, isDatabaseError, toSluiceError } from './errors.ts';
import { registerBrowserHeaders } from './headers.ts';
import { lazySchemaCompilers } from './schema-compilers.ts';
import { uploads } from './uploads.ts';

declare module 'fastify' {
  interface FastifyRequest {
    accountability: Accountability;
  }
}

export interface HttpOptions {
  /** Largest accepted request body in bytes. */
  bodyLimit: number;
  /**
   * Addresses (IPs, CIDRs) of the proxies whose `X-Forwarded-For` names the client. Empty: the
   * client is the address of the connection, and the header is ignored.
   */
  trustedProxies: readonly string[];
  /** The origins whose pages may call the API (CORS); `*`: every origin. */
  origins: readonly string[];
}

export function createHttp({ bodyLimit, trustedProxies, origins }: HttpOptions): FastifyInstance {
  const http = Fastify({
    bodyLimit,
    logger: false,
    return503OnClosing: true,
    trustProxy: trustedProxies.length > 0 ? [...trustedProxies] : false,
    clientErrorHandler: clientErrorHandler(origins),
    schemaController: { compilersFactory: lazySchemaCompilers() },
  });
  // first of all hooks, so that every answer has these headers, whichever hook answers
  registerBrowserHeaders(http, origins);
  const parseJson = http.getDefaultJsonParser('error', 'error');
  http.removeContentTypeParser('application/json');
  // Clients of PocketBase's shape (its JS SDK among them) send `Content-Type: application/json`
  // on DELETE and auth-refresh with no body at all: that is no body, not malformed JSON.
  http.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body.length === 0) done(null, undefined);
    else parseJson(request, body.toString(), done);
  });
  // uploads are read part by part by the routes that take them, each with its own limits
  http.register(uploads);
  return http;
}

/**
 * The HTTP middlewares: who the caller is (from the Authorization header), the error shape,
 * not-found and the `response` action. Errors answer `{status, code, message, data}`, after the
 * `request.error` and `api.error` filters; nothing internal reaches the client.
 */
export function registerMiddlewares(app: App, secret: () => string): void {
  const http = app.http;
  http.decorateRequest('accountability', null as unknown as Accountability);
  decorateCaller(http);

  http.addHook('onRequest', (request, reply, done) => {
    request.rawResponse = reply.raw;
    const header = request.headers.authorization;
    if (!header) {
      request.accountability = guest;
      done();
      return;
    }
    accountabilityFromHeader(header, secret(), app.database, app.schema).then(
      (accountability) => {
        request.accountability = grantsOf(app.schema).withRoles({ ...accountability, ip: request.ip });
        done();
      },
      (error: Error) => done(error),
    );
  });

  http.addHook('onResponse', (request, reply, done) => {
    if (app.hooks.listens('action', 'response')) {
      app.hooks.runAction(
        'response',
        { request, response: reply, ip: request.ip, duration: reply.elapsedTime, finished: true },
        app.context({ accountability: request.accountability ?? guest, request }),
      );
    }
    done();
  });

  http.setNotFoundHandler(async (request, reply) => {
    const ctx = app.context({ accountability: request.accountability ?? guest, request, reply });
    let handled: unknown;
    try {
      const outcome = await app.hooks.runFilter(
        'request.not_found',
        false,
        { request, response: reply },
        ctx,
      );
      handled = isStopped(outcome) ? outcome.payload : outcome;
    } catch (hookError) {
      if (hookError instanceof OperationSkipped) return answerSkipped(reply, hookError);
      if (reply.sent) return reply;
      return sendError(app, request, reply, toSluiceError(hookError).error, hookError);
    }
    // anything but `false`: a hook answers the request, perhaps once this handler has returned
    if (handled !== false || reply.sent) return reply;
    return sendError(app, request, reply, routeNotFound(request.method, request.url), undefined);
  });

  http.setErrorHandler(async (error, request, reply) => {
    if (error instanceof OperationSkipped) return answerSkipped(reply, error);
    let { error: typed, unexpected } = toSluiceError(error);
    if (unexpected) {
      if (isDatabaseError(error)) {
        const ctx = app.context({ accountability: request.accountability ?? guest, request });
        try {
          const replaced = await app.hooks.runFilter(
            'database.error',
            error,
            { client: app.database.dialect },
            ctx,
          );
          const mapped = toSluiceError(replaced);
          if (!mapped.unexpected) ({ error: typed, unexpected } = mapped);
        } catch {
          // The hook's own failure is logged by the engine; the database error stays the answer.
        }
      }
      if (unexpected)
        app.logger.error({ err: error, url: request.url, method: request.method }, 'Request failed.');
    }
    return sendError(app, request, reply, typed, error);
  });
}

async function sendError(
  app: App,
  request: import('fastify').FastifyRequest,
  reply: FastifyReply,
  error: import('@sluice/hooks').SluiceError,
  original: unknown,
) {
  const ctx = app.context({ accountability: request.accountability ?? guest, request, reply });
  let body = errorBody(error);
  try {
    // a handler that stops the chain (`false`) keeps what the handlers before it made
    const errors = settled(await app.hooks.runFilter('request.error', [body], { request }, ctx));
    if (Array.isArray(errors) && errors[0]) body = errors[0] as typeof body;
    const filtered = settled(
      await app.hooks.runFilter('api.error', body, { request, error: original ?? error }, ctx),
    );
    if (filtered && typeof filtered === 'object' && 'status' in filtered) body = filtered as typeof body;
  } catch (hookError) {
    // A hook shaping the error failed: its own typed error answers, in the same shape.
    body = errorBody(toSluiceError(hookError).error);
  }
  if (reply.sent) return reply;
  reply.status(body.status).send(body);
  app.hooks.runAction('api.error', { request, error: original ?? error, payload: body }, ctx);
  app.hooks.runAction('request.error', { request, payload: [body] }, ctx);
  return reply;
}

/**
 * A hook did not let the operation proceed: no error, the answer is the one the hook made, else
 * `200` with an empty body (PocketBase's answer to a request whose hook wrote nothing).
 */
function answerSkipped(reply: FastifyReply, skipped: OperationSkipped) {
  if (reply.sent) return reply;
  const response = skipped.response;
  if (!response) return reply.status(200).send();
  for (const [name, value] of Object.entries(response.headers ?? {})) reply.header(name, value);
  return reply.status(response.status).send(response.body);
}

/** Names the route that does not exist; the query is left out, since it may carry a token. */
function routeNotFound(method: string, url: string) {
  const path = url.split('?', 1)[0];
  return new NotFoundError(`The route ${method} ${path} does not exist.`);
}

function settled(outcome: unknown): unknown {
  return isStopped(outcome) ? outcome.payload : outcome;
}
