import { NotFoundError } from '@sluice/hooks';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** A route an extension adds: PocketBase's `routerAdd` in a hook file, or a Directus endpoint. */
export interface CustomRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE' | 'HEAD' | 'OPTIONS';
  url: string;
  handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
}

/**
 * The routes of each extension, by owner: a hook file's are replaced when it loads again. They
 * are registered once, between `routes.custom.before` and `routes.custom.after`; the server
 * cannot take new routes once it listens, so a hot reload changes the handlers of the routes
 * it knows (a route a reloaded file no longer adds answers 404) and adds none.
 */
export type CustomRoutes = Map<string, CustomRoute[]>;

export function registerCustomRoutes(http: FastifyInstance, routes: CustomRoutes): void {
  for (const [owner, list] of routes) {
    for (const { method, url } of list) {
      http.route({
        method,
        url,
        handler: (request, reply) => {
          const current = routes.get(owner)?.find((route) => route.method === method && route.url === url);
          if (!current) throw new NotFoundError('The route was removed.');
          return current.handler(request, reply);
        },
      });
    }
  }
}
