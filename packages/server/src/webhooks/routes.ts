import { InvalidPayloadError } from '@sluice/hooks';
import type { FastifyRequest } from 'fastify';
import type { App } from '../app/types.ts';
import { objectBody, requireSuperuser } from '../http/guards.ts';

const MAX_PER_PAGE = 500;

/** `?page=&perPage=` of a list, as PocketBase reads them. */
export function pageOf(query: unknown): { page: number; perPage: number } {
  const { page = '1', perPage = '30' } = (query ?? {}) as Record<string, string | undefined>;
  const parsed = { page: Number(page), perPage: Number(perPage) };
  if (!Number.isInteger(parsed.page) || parsed.page < 1)
    throw new InvalidPayloadError('Invalid page.', {
      page: { code: 'validation_invalid_number', message: 'Must be 1 or more.' },
    });
  if (!Number.isInteger(parsed.perPage) || parsed.perPage < 1 || parsed.perPage > MAX_PER_PAGE)
    throw new InvalidPayloadError('Invalid perPage.', {
      perPage: { code: 'validation_invalid_number', message: `Must be from 1 to ${MAX_PER_PAGE}.` },
    });
  return parsed;
}

/** `/api/webhooks`: superusers only (docs/webhooks.md). */
export function registerWebhookRoutes(app: App): void {
  const webhooks = app.services.webhooks;
  const contextOf = (request: FastifyRequest) => {
    requireSuperuser(request);
    return app.context({ accountability: request.accountability, request });
  };
  type ById = { Params: { id: string } };
  app.http.get('/api/webhooks', (request) => {
    contextOf(request);
    return webhooks.list(pageOf(request.query));
  });
  app.http.post('/api/webhooks', (request) => webhooks.create(objectBody(request), contextOf(request)));
  app.http.get<ById>('/api/webhooks/:id', (request) => {
    contextOf(request);
    return webhooks.view(request.params.id);
  });
  app.http.patch<ById>('/api/webhooks/:id', (request) =>
    webhooks.update(request.params.id, objectBody(request), contextOf(request)),
  );
  app.http.delete<ById>('/api/webhooks/:id', async (request, reply) => {
    await webhooks.delete(request.params.id, contextOf(request));
    return reply.status(204).send();
  });
}
