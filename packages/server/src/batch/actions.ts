import { InvalidPayloadError } from '@sluice/hooks';
import type { App } from '../app/types.ts';
import type { HookContext } from '../context.ts';
import { createRecord } from '../records/operations/create.ts';
import { deleteRecord } from '../records/operations/delete.ts';
import { updateRecord } from '../records/operations/update.ts';
import { shapeAnswer, type ViewQueryString } from '../records/routes.ts';
import { findRecordById } from '../records/store.ts';

/** One request of a batch, as PocketBase's SDK sends it. */
export interface BatchRequest {
  method: string;
  url: string;
  body: Record<string, unknown>;
}

/** What one request answers, as PocketBase puts it in the batch's answer. */
export interface BatchResult {
  status: number;
  body: unknown;
}

const RECORDS_URL = /^\/api\/collections\/([^/?]+)\/records(?:\/([^/?]+))?$/;

/**
 * Runs one request of a batch through the record operations, in the batch's transaction
 * (`tx`), so that rules, hooks and the write pipeline run as they do for a request of its own.
 * The actions PocketBase allows: create (`POST …/records`), upsert (`PUT …/records`: an update
 * when the body's `id` names an existing record, else a create), update (`PATCH …/records/{id}`)
 * and delete (`DELETE …/records/{id}`).
 */
export async function runBatchRequest(
  app: App,
  request: BatchRequest,
  tx: HookContext,
): Promise<BatchResult> {
  const url = new URL(request.url, 'http://batch.invalid');
  const [, collectionName, id] = RECORDS_URL.exec(decodeURIComponent(url.pathname)) ?? [];
  const method = request.method.toUpperCase();
  if (!collectionName || (method === 'POST' || method === 'PUT') !== (id === undefined)) {
    throw new InvalidPayloadError('Unknown batch request action.');
  }
  const collection = app.services.records.collection(collectionName);
  const query: ViewQueryString = Object.fromEntries(url.searchParams);
  const answer = async (record: Awaited<ReturnType<typeof createRecord>>, via: 'create' | 'update') => ({
    status: 200,
    body: await shapeAnswer(app, collection, record, query, tx, via),
  });
  switch (method) {
    case 'POST':
      return answer(await createRecord(app, collection, request.body, tx), 'create');
    case 'PUT': {
      const given = request.body.id;
      const exists =
        typeof given === 'string' && given !== '' && (await findRecordById(tx.database, collection, given));
      if (!exists) return answer(await createRecord(app, collection, request.body, tx), 'create');
      const changes = { ...request.body };
      delete changes.id;
      return answer(await updateRecord(app, collection, given, changes, tx), 'update');
    }
    case 'PATCH':
      return answer(await updateRecord(app, collection, String(id), request.body, tx), 'update');
    case 'DELETE':
      await deleteRecord(app, collection, String(id), tx);
      return { status: 204, body: null };
  }
  throw new InvalidPayloadError('Unknown batch request action.');
}
