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
 * cannot take new routes once it listens, so a hot reload changes none of them.
 */
export type CustomRoutes = Map<string, CustomRoute[]>;

export function registerCustomRoutes(http: FastifyInstance, routes: CustomRoutes): void {
  for (const route of [...routes.values()].flat()) http.route(route);
}
