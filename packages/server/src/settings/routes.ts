import type { FastifyRequest } from 'fastify';
import type { App } from '../app/types.ts';
import { objectBody, requireSuperuser } from '../http/guards.ts';

/** `/api/settings`: superusers only; secrets are never sent. */
export function registerSettingsRoutes(app: App): void {
  const contextOf = (request: FastifyRequest) => {
    requireSuperuser(request);
    return app.context({ accountability: request.accountability, request });
  };
  app.http.get('/api/settings', (request) => app.services.settings.list(contextOf(request)));
  app.http.patch('/api/settings', (request) =>
    app.services.settings.update(objectBody(request), contextOf(request)),
  );
  app.http.delete<{ Params: { group: string } }>('/api/settings/:group', (request) =>
    app.services.settings.reset(request.params.group, contextOf(request)),
  );
}
