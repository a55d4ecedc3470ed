import { NotFoundError } from '@sluice/hooks';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CustomRoute } from './custom-routes.ts';
import type { ExtensionContext } from './types.ts';

/** The Express-like request a Directus endpoint handler gets. */
export interface EndpointRequest {
  method: string;
  url: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
  headers: Record<string, unknown>;
  /** Who calls: `{ user, collection, admin, record, ip }`. */
  accountability: unknown;
}

/** The Express-like response a Directus endpoint handler answers through. */
export interface EndpointResponse {
  status(code: number): EndpointResponse;
  set(name: string, value: string): EndpointResponse;
  setHeader(name: string, value: string): EndpointResponse;
  json(data: unknown): EndpointResponse;
  send(data?: unknown): EndpointResponse;
  end(): EndpointResponse;
  sendStatus(code: number): EndpointResponse;
}

export type EndpointHandler = (
  req: EndpointRequest,
  res: EndpointResponse,
  next: (error?: unknown) => void,
) => unknown;

type Route = (path: string, handler: EndpointHandler) => EndpointRouter;

/** The Express-like router a Directus endpoint extension registers its routes on. */
export interface EndpointRouter {
  get: Route;
  post: Route;
  patch: Route;
  put: Route;
  delete: Route;
}

/** `(router, context) => {}`, or `{ id, handler }` where `id` replaces the folder name. */
export type EndpointConfig =
  | ((router: EndpointRouter, context: ExtensionContext) => unknown)
  | {
      id: string;
      handler: (router: EndpointRouter, context: ExtensionContext) => unknown;
    };

/**
 * Directus' endpoint extension (`extensions/endpoints/<id>/index.js`): its export is called with
 * an Express-like router whose routes are mounted under `/<id>`. A handler answers through
 * `res.json` / `res.send` / `res.status`; a throw, a rejection or `next(error)` answers in the
 * error shape, `next()` with 404.
 */
export async function endpointRoutes(
  exported: unknown,
  folder: string,
  context: ExtensionContext,
): Promise<CustomRoute[]> {
  const config = exported as EndpointConfig;
  const register = typeof config === 'function' ? config : config?.handler;
  if (typeof register !== 'function') {
    throw new TypeError('An endpoint must export a function (router, context) or { id, handler }.');
  }
  const id = typeof config === 'function' ? folder : String(config.id ?? folder);
  const routes: CustomRoute[] = [];
  const route =
    (method: CustomRoute['method']): Route =>
    (path, handler) => {
      if (typeof handler !== 'function')
        throw new TypeError(`The handler of ${method} ${path} must be a function.`);
      const suffix = path === '/' ? '' : path;
      routes.push({
        method,
        url: `/${id}${suffix}`,
        handler: (request, reply) => answer(request, reply, handler),
      });
      return router;
    };
  const router: EndpointRouter = {
    get: route('GET'),
    post: route('POST'),
    patch: route('PATCH'),
    put: route('PUT'),
    delete: route('DELETE'),
  };
  await register(router, context);
  return routes;
}

function answer(
  request: FastifyRequest,
  reply: FastifyReply,
  handler: EndpointHandler,
): Promise<FastifyReply> {
  return new Promise((resolve, reject) => {
    const sent = () => {
      resolve(reply);
      return res;
    };
    const res: EndpointResponse = {
      status: (code) => {
        reply.status(code);
        return res;
      },
      set: (name, value) => {
        reply.header(name, value);
        return res;
      },
      setHeader: (name, value) => res.set(name, value),
      json: (data) => {
        reply.send(data === undefined ? null : data);
        return sent();
      },
      send: (data) => {
        reply.send(data);
        return sent();
      },
      end: () => res.send(),
      sendStatus: (code) => res.status(code).send(),
    };
    const next = (error?: unknown) => reject(error ?? new NotFoundError());
    try {
      Promise.resolve(handler(endpointRequest(request), res, next)).catch(reject);
    } catch (error) {
      reject(error);
    }
  });
}

function endpointRequest(request: FastifyRequest): EndpointRequest {
  return {
    method: request.method,
    url: request.url,
    path: request.url.split('?')[0] ?? request.url,
    params: (request.params ?? {}) as Record<string, string>,
    query: (request.query ?? {}) as Record<string, unknown>,
    body: request.body,
    headers: request.headers,
    accountability: request.accountability,
  };
}
