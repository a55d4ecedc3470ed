import { InvalidPayloadError } from '@sluice/hooks';
import type { FastifyRequest } from 'fastify';
import type { App } from '../app/types.ts';
import { objectBody, requireSuperuser } from '../http/guards.ts';
import type { DeliveryStatus } from '../outbox/store.ts';

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

const STATUSES: readonly string[] = ['pending', 'retrying', 'delivered', 'failed'];
const STATUS_FILTER = /^\s*status\s*=\s*['"](\w+)['"]\s*$/;

/** `?status=failed` or PocketBase's `?filter=status='failed'`: the one filter deliveries take. */
export function statusOf(query: unknown): DeliveryStatus | undefined {
  const { status, filter } = (query ?? {}) as Record<string, string | undefined>;
  let wanted = status;
  if (filter !== undefined && filter !== '') {
    wanted = STATUS_FILTER.exec(filter)?.[1];
    if (wanted === undefined)
      throw new InvalidPayloadError('Invalid filter.', {
        filter: { code: 'validation_invalid_filter', message: "Only status = '…' is supported." },
      });
  }
  if (wanted === undefined || wanted === '') return undefined;
  if (!STATUSES.includes(wanted))
    throw new InvalidPayloadError('Invalid status.', {
      status: { code: 'validation_invalid_status', message: `Must be one of ${STATUSES.join(', ')}.` },
    });
  return wanted as DeliveryStatus;
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
  app.http.get<ById>('/api/webhooks/:id/deliveries', async (request) => {
    contextOf(request);
    await webhooks.view(request.params.id);
    return webhooks.deliveries(request.params.id, pageOf(request.query), statusOf(request.query));
  });
  app.http.post<{ Params: { id: string; deliveryId: string } }>(
    '/api/webhooks/:id/deliveries/:deliveryId/replay',
    (request) => {
      contextOf(request);
      return webhooks.replay(request.params.id, request.params.deliveryId);
    },
  );
  app.http.post<ById>('/api/webhooks/:id/recover', (request) => {
    contextOf(request);
    return webhooks.recover(request.params.id, objectBody(request).since);
  });
  app.http.post<ById>('/api/webhooks/:id/test', (request) =>
    webhooks.test(request.params.id, contextOf(request)),
  );
}
