import type { FastifyRequest } from 'fastify';
import type { App } from '../app/types.ts';
import { objectBody, requireSuperuser } from '../http/guards.ts';
import { truncateRecords } from '../records/operations/truncate.ts';
import { parseListQuery } from '../records/query.ts';
import { collectionScaffolds } from './scaffolds.ts';

interface CollectionParams {
  collection: string;
}

/** `/api/collections`: superusers only, as in PocketBase. */
export function registerCollectionRoutes(app: App): void {
  const { http } = app;
  const collections = app.services.collections;
  const contextOf = (request: FastifyRequest) => {
    requireSuperuser(request);
    return app.context({ accountability: request.accountability, request });
  };

  http.get<{ Querystring: Record<string, unknown> }>('/api/collections', (request) => {
    const ctx = contextOf(request);
    const { page, perPage, filter, sort } = parseListQuery(request.query);
    return collections.list(ctx, { page, perPage, filter, sort });
  });

  http.put('/api/collections/import', async (request, reply) => {
    await collections.import(objectBody(request), contextOf(request));
    return reply.status(204).send();
  });

  http.get('/api/collections/meta/scaffolds', (request) => {
    contextOf(request);
    return collectionScaffolds();
  });

  http.delete<{ Params: CollectionParams }>(
    '/api/collections/:collection/truncate',
    async (request, reply) => {
      const ctx = contextOf(request);
      await truncateRecords(app, app.services.records.collection(request.params.collection), ctx);
      return reply.status(204).send();
    },
  );

  http.get<{ Params: CollectionParams }>('/api/collections/:collection', (request) =>
    collections.view(request.params.collection, contextOf(request)),
  );

  http.post('/api/collections', (request) => collections.create(objectBody(request), contextOf(request)));

  http.patch<{ Params: CollectionParams }>('/api/collections/:collection', (request) =>
    collections.update(request.params.collection, objectBody(request), contextOf(request)),
  );

  http.delete<{ Params: CollectionParams }>('/api/collections/:collection', async (request, reply) => {
    await collections.delete(request.params.collection, contextOf(request));
    return reply.status(204).send();
  });
}
