import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CustomRoute } from '../custom-routes.ts';
import { type PocketBaseRecord, pocketbaseRecord } from './pocketbase-record.ts';

const METHODS = new Set<CustomRoute['method']>(['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'HEAD', 'OPTIONS']);

/** What a `routerAdd` handler gets, the shape of PocketBase's request event. */
export interface PocketBaseRequestEvent {
  request: {
    method: string;
    url: string;
    headers: Record<string, unknown>;
    /** A path parameter: `{name}` (or `{path...}`, the rest of the path) in the route's path. */
    pathValue(name: string): string;
  };
  /** The signed-in record (with `get`/`set`), or null. */
  auth: PocketBaseRecord | null;
  requestInfo(): {
    method: string;
    query: Record<string, unknown>;
    headers: Record<string, unknown>;
    body: Record<string, unknown>;
    auth: PocketBaseRecord | null;
  };
  json(status: number, data: unknown): FastifyReply;
  string(status: number, text: string): FastifyReply;
  html(status: number, html: string): FastifyReply;
  noContent(status: number): FastifyReply;
}

export type RouterAdd = (
  method: string,
  path: string,
  handler: (e: PocketBaseRequestEvent) => unknown,
  ...middlewares: unknown[]
) => void;

/**
 * PocketBase's `routerAdd(method, path, handler)`: the route is added to `routes` (see
 * `CustomRoutes`). Paths are written as in PocketBase, `/api/hello/{name}` or `{path...}` for
 * the rest of the path (`:name` works too). Middlewares are refused rather than ignored: a
 * route meant to require auth must not silently be open.
 */
export function pocketbaseRouter(routes: CustomRoute[]): RouterAdd {
  return (method, path, handler, ...middlewares) => {
    const verb = String(method).toUpperCase() as CustomRoute['method'];
    if (!METHODS.has(verb)) throw new TypeError(`routerAdd: unknown method ${JSON.stringify(method)}.`);
    if (typeof path !== 'string' || !path.startsWith('/'))
      throw new TypeError(`routerAdd: the path must start with "/", got ${JSON.stringify(path)}.`);
    if (typeof handler !== 'function') throw new TypeError('routerAdd: the handler must be a function.');
    if (middlewares.length > 0)
      throw new TypeError('routerAdd: middlewares are not supported; check in the handler instead.');
    let rest: string | undefined;
    const url = path.replace(/\{(\w+)(\.\.\.)?\}/g, (_, name: string, spread?: string) => {
      if (!spread) return `:${name}`;
      rest = name;
      return '*';
    });
    routes.push({
      method: verb,
      url,
      handler: async (request, reply) => {
        await handler(requestEvent(request, reply, rest));
        // as in PocketBase, a handler that wrote nothing answers an empty 200
        if (!reply.sent) reply.send();
        return reply;
      },
    });
  };
}

function requestEvent(
  request: FastifyRequest,
  reply: FastifyReply,
  rest: string | undefined,
): PocketBaseRequestEvent {
  const params = (request.params ?? {}) as Record<string, string>;
  const auth = pocketbaseRecord(request.accountability.record);
  return {
    request: {
      method: request.method,
      url: request.url,
      headers: request.headers,
      pathValue: (name) => (name === rest ? params['*'] : params[name]) ?? '',
    },
    auth,
    requestInfo: () => ({
      method: request.method,
      query: (request.query ?? {}) as Record<string, unknown>,
      headers: request.headers,
      body: (request.body ?? {}) as Record<string, unknown>,
      auth,
    }),
    json: (status, data) => reply.status(status).send(data),
    string: (status, text) => reply.status(status).type('text/plain; charset=utf-8').send(text),
    html: (status, html) => reply.status(status).type('text/html; charset=utf-8').send(html),
    noContent: (status) => reply.status(status).send(),
  };
}
