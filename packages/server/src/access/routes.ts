import type { FastifyRequest } from 'fastify';
import type { App } from '../app/types.ts';
import { objectBody, requireSuperuser } from '../http/guards.ts';
import { parseListQuery } from '../records/query.ts';
import type { RelationsService } from '../relations/service.ts';
import type { PermissionsService, RolesService } from './service.ts';

type ById = { Params: { id: string } };

/**
 * The superuser-only CRUD routes of a system table under `path`: list, view and, unless the
 * service is read-only, create, update and delete.
 */
export function registerSystemTableRoutes(
  app: App,
  path: string,
  service: RolesService | PermissionsService | RelationsService,
): void {
  const contextOf = (request: FastifyRequest) => {
    requireSuperuser(request);
    return app.context({ accountability: request.accountability, request });
  };
  app.http.get(path, (request) => {
    contextOf(request);
    return service.list(parseListQuery(request.query as Record<string, unknown>));
  });
  app.http.get<ById>(`${path}/:id`, (request) => {
    contextOf(request);
    return service.view(request.params.id);
  });
  if (!('create' in service)) return;
  app.http.post(path, (request) => service.create(objectBody(request), contextOf(request)));
  app.http.patch<ById>(`${path}/:id`, (request) =>
    service.update(request.params.id, objectBody(request), contextOf(request)),
  );
  app.http.delete<ById>(`${path}/:id`, async (request, reply) => {
    await service.delete(request.params.id, contextOf(request));
    return reply.status(204).send();
  });
}

/** `/api/roles`, `/api/permissions` and `/api/relations` (docs/access.md). */
export function registerAccessRoutes(app: App): void {
  registerSystemTableRoutes(app, '/api/roles', app.services.roles);
  registerSystemTableRoutes(app, '/api/permissions', app.services.permissions);
  registerSystemTableRoutes(app, '/api/relations', app.services.relations);
}
