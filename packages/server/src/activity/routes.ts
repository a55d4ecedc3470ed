import type { FastifyRequest } from 'fastify';
import type { App } from '../app/types.ts';
import { objectBody, requireSuperuser } from '../http/guards.ts';
import { parseListQuery } from '../records/query.ts';

type ById = { Params: { id: string } };

/** `/api/activity` and `/api/revisions`: superusers only (docs/activity.md). */
export function registerActivityRoutes(app: App): void {
  const { activity, revisions } = app.services;
  const contextOf = (request: FastifyRequest) => {
    requireSuperuser(request);
    return app.context({ accountability: request.accountability, request });
  };
  const listQuery = (request: FastifyRequest) => {
    contextOf(request);
    return parseListQuery(request.query as Record<string, unknown>);
  };
  app.http.get('/api/activity', (request) => activity.list(listQuery(request)));
  app.http.get<ById>('/api/activity/:id', (request) => {
    contextOf(request);
    return activity.view(request.params.id);
  });
  app.http.patch<ById>('/api/activity/:id', (request) =>
    activity.comment(request.params.id, objectBody(request), contextOf(request)),
  );
  app.http.delete<ById>('/api/activity/:id', async (request, reply) => {
    await activity.delete(request.params.id, contextOf(request));
    return reply.status(204).send();
  });

  app.http.get('/api/revisions', (request) => revisions.list(listQuery(request)));
  app.http.get<{ Params: { collection: string; item: string } }>(
    '/api/revisions/:collection/:item',
    (request) => revisions.list(listQuery(request), request.params),
  );
  app.http.get<ById>('/api/revisions/:id', (request) => {
    contextOf(request);
    return revisions.view(request.params.id);
  });
  app.http.patch<ById>('/api/revisions/:id', (request) =>
    revisions.redact(request.params.id, objectBody(request), contextOf(request)),
  );
  // the update it makes runs with the caller's rights: a superuser's here
  app.http.post<ById>('/api/revisions/:id/revert', (request) =>
    revisions.revert(request.params.id, contextOf(request)),
  );
}
