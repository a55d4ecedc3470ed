import type { FastifyRequest } from 'fastify';
import type { App } from '../app/types.ts';
import type { Collection, RecordData } from '../collections/types.ts';
import type { HookContext } from '../context.ts';
import { multipartInput } from '../files/multipart.ts';
import { parseFieldsParam, pickFields } from '../filter/index.ts';
import { objectBody } from '../http/guards.ts';
import { andThen } from '../maybe-async.ts';
import { enriching, enrichRecord, enrichRecords } from './enrich.ts';
import { expandRecords } from './expand.ts';
import { createRecord } from './operations/create.ts';
import { deleteRecord } from './operations/delete.ts';
import { listRecords } from './operations/list.ts';
import { updateRecord } from './operations/update.ts';
import { viewRecord } from './operations/view.ts';
import { parseListQuery } from './query.ts';

interface CollectionParams {
  collection: string;
}
interface RecordParams extends CollectionParams {
  id: string;
}
export interface ViewQueryString {
  fields?: string;
  expand?: string;
}

/** `/api/collections/{collection}/records`, in PocketBase's shape. */
export function registerRecordRoutes(app: App): void {
  const { http, services } = app;
  const contextOf = (request: FastifyRequest) =>
    app.context({ accountability: request.accountability, request });
  // a form (with files) or a JSON object; the form's other fields share the JSON body limit
  const inputOf = (request: FastifyRequest, collection: Collection) =>
    request.isMultipart()
      ? multipartInput(request, collection, http.initialConfig.bodyLimit ?? 1 << 20)
      : objectBody(request);

  // The reads answer at once when nothing they do needs to wait (see viewRecord, listRecords):
  // their handlers are not async, so such an answer costs no promise.
  http.get<{ Params: CollectionParams; Querystring: Record<string, unknown> }>(
    '/api/collections/:collection/records',
    (request) => {
      const collection = services.records.collection(request.params.collection);
      const ctx = contextOf(request);
      const query = parseListQuery(request.query);
      if (!enriching(app)) return listRecords(app, collection, query, ctx);
      // the enriched records, whole, then the fields asked for
      return andThen(listRecords(app, collection, { ...query, fields: '' }, ctx), (list) =>
        andThen(enrichRecords(app, collection, list.items, 'list', ctx), (items) => {
          const selection = parseFieldsParam(query.fields);
          return { ...list, items: selection ? pickFields(items, selection) : items };
        }),
      );
    },
  );

  http.get<{ Params: RecordParams; Querystring: ViewQueryString }>(
    '/api/collections/:collection/records/:id',
    (request) => {
      const collection = services.records.collection(request.params.collection);
      const ctx = contextOf(request);
      const { id } = request.params;
      if (!enriching(app)) return viewRecord(app, collection, id, request.query, ctx);
      const { fields, ...whole } = request.query;
      return andThen(viewRecord(app, collection, id, whole, ctx), (record) =>
        andThen(enrichRecord(app, collection, record, 'view', ctx), (enriched) => {
          const selection = fields ? parseFieldsParam(fields) : null;
          return selection ? pickFields(enriched, selection) : enriched;
        }),
      );
    },
  );

  http.post<{ Params: CollectionParams; Querystring: ViewQueryString }>(
    '/api/collections/:collection/records',
    async (request) => {
      const collection = services.records.collection(request.params.collection);
      const ctx = contextOf(request);
      const record = await createRecord(app, collection, await inputOf(request, collection), ctx);
      return shapeAnswer(app, collection, record, request.query, ctx, 'create');
    },
  );

  http.patch<{ Params: RecordParams; Querystring: ViewQueryString }>(
    '/api/collections/:collection/records/:id',
    async (request) => {
      const collection = services.records.collection(request.params.collection);
      const ctx = contextOf(request);
      const input = await inputOf(request, collection);
      const record = await updateRecord(app, collection, request.params.id, input, ctx);
      return shapeAnswer(app, collection, record, request.query, ctx, 'update');
    },
  );

  http.delete<{ Params: RecordParams }>(
    '/api/collections/:collection/records/:id',
    async (request, reply) => {
      const collection = services.records.collection(request.params.collection);
      await deleteRecord(app, collection, request.params.id, contextOf(request));
      return reply.status(204).send();
    },
  );
}

/** After a write, `?expand=`, `records.enrich` and `?fields=` shape the answer as they would a read. */
export async function shapeAnswer(
  app: App,
  collection: Collection,
  record: RecordData,
  query: ViewQueryString,
  ctx: HookContext,
  via: 'create' | 'update',
): Promise<RecordData> {
  if (query.expand) await expandRecords(app.database, collection, [record], query.expand, ctx);
  const enriched = await enrichRecord(app, collection, record, via, ctx);
  const selection = query.fields ? parseFieldsParam(query.fields) : null;
  return selection ? pickFields(enriched, selection) : enriched;
}
