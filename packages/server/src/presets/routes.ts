import type { FastifyRequest } from 'fastify';
import type { App } from '../app/types.ts';
import { objectBody } from '../http/guards.ts';
import { parseListQuery } from '../records/query.ts';

type ById = { Params: { id: string } };

/** `/api/presets`: every signed-in caller, each seeing what presets/service.ts lets them. */
export function registerPresetRoutes(app: App): void {
  const presets = app.services.presets;
  const contextOf = (request: FastifyRequest) =>
    app.context({ accountability: request.accountability, request });
  app.http.get('/api/presets', (request) =>
    presets.list(parseListQuery(request.query as Record<string, unknown>), contextOf(request)),
  );
  app.http.get<ById>('/api/presets/:id', (request) => presets.view(request.params.id, contextOf(request)));
  app.http.post('/api/presets', (request) => presets.create(objectBody(request), contextOf(request)));
  app.http.patch<ById>('/api/presets/:id', (request) =>
    presets.update(request.params.id, objectBody(request), contextOf(request)),
  );
  app.http.delete<ById>('/api/presets/:id', async (request, reply) => {
    await presets.delete(request.params.id, contextOf(request));
    return reply.status(204).send();
  });
}
