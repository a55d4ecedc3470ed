import type { FastifyRequest } from 'fastify';
import type { App } from '../app/types.ts';
import { objectBody, requireSuperuser } from '../http/guards.ts';
import { pageOf, statusOf } from '../webhooks/routes.ts';

/** `/api/plugins`: superusers manage plugins; a plugin registers itself with its key (docs/webhooks.md). */
export function registerPluginRoutes(app: App): void {
  const plugins = app.services.plugins;
  const contextOf = (request: FastifyRequest) => {
    requireSuperuser(request);
    return app.context({ accountability: request.accountability, request });
  };
  type ById = { Params: { id: string } };

  app.http.post('/api/plugins/register', async (request) => {
    const plugin = await plugins.authenticate(request.headers.authorization);
    return plugins.register(plugin, objectBody(request), app.context({ request }));
  });
  app.http.get('/api/plugins', (request) => {
    contextOf(request);
    return plugins.list(pageOf(request.query));
  });
  app.http.post('/api/plugins', (request) => plugins.create(objectBody(request), contextOf(request)));
  app.http.get<ById>('/api/plugins/:id', (request) => {
    contextOf(request);
    return plugins.view(request.params.id);
  });
  app.http.delete<ById>('/api/plugins/:id', async (request, reply) => {
    await plugins.delete(request.params.id, contextOf(request));
    return reply.status(204).send();
  });
  app.http.post<ById>('/api/plugins/:id/rotate', (request) =>
    plugins.rotate(request.params.id, contextOf(request)),
  );
  app.http.get<ById>('/api/plugins/:id/deliveries', async (request) => {
    contextOf(request);
    await plugins.view(request.params.id);
    return app.services.webhooks.deliveries(
      request.params.id,
      pageOf(request.query),
      statusOf(request.query),
    );
  });
}
