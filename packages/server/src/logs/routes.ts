import type { FastifyRequest } from 'fastify';
import type { App } from '../app/types.ts';
import { requireSuperuser } from '../http/guards.ts';
import { parseListQuery } from '../records/query.ts';

/** `/api/logs`, `/api/logs/stats`, `/api/logs/{id}`: PocketBase's logs API, superusers only. */
export function registerLogRoutes(app: App): void {
  const { logs } = app.services;
  const query = (request: FastifyRequest) => {
    requireSuperuser(request);
    return request.query as Record<string, unknown>;
  };
  app.http.get('/api/logs', (request) => logs.list(parseListQuery(query(request))));
  app.http.get('/api/logs/stats', (request) => {
    const { filter } = query(request);
    return logs.stats(typeof filter === 'string' ? filter : undefined);
  });
  app.http.get<{ Params: { id: string } }>('/api/logs/:id', (request) => {
    requireSuperuser(request);
    return logs.view(request.params.id);
  });
}
