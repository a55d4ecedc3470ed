import { InvalidPayloadError, NotFoundError } from '@sluice/hooks';
import type { FastifyRequest } from 'fastify';
import { grantsOf } from '../access/grants.ts';
import type { App } from '../app/types.ts';
import { accountabilityFromFileToken } from '../auth/accountability.ts';
import { signFileToken } from '../auth/tokens.ts';
import type { Collection } from '../collections/types.ts';
import { type Accountability, guest, type HookContext } from '../context.ts';
import { decodeRecord } from '../records/encoding.ts';
import { emitAction, filterPayload, recordTags } from '../records/operations/events.ts';
import { recordMatches, ruleCondition } from '../records/rules.ts';
import { findRecordById } from '../records/store.ts';
import { fileFields } from './limits.ts';
import { fileNames, recordFileKey } from './record-files.ts';
import { sendStoredFile } from './serve.ts';
import { openThumb } from './thumb-cache.ts';

interface FileParams {
  collection: string;
  recordId: string;
  filename: string;
}
interface FileQuery {
  thumb?: string;
  download?: string;
  token?: string;
}

const TRUE = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);
const notFound = () => new NotFoundError('The requested resource wasn’t found.');

/**
 * PocketBase's file endpoints: `GET /api/files/{collection}/{recordId}/{filename}` (with `thumb`,
 * `download`, and `token` for protected files) and `POST /api/files/token`.
 */
export function registerFileRoutes(app: App): void {
  const { http } = app;

  http.get<{ Params: FileParams; Querystring: FileQuery }>(
    '/api/files/:collection/:recordId/:filename',
    async (request, reply) => {
      const { recordId, filename } = request.params;
      const collection = app.schema.get(request.params.collection);
      if (!collection || fileFields(collection).length === 0) throw notFound();
      const row = await findRecordById(app.database.reader, collection, recordId);
      const field =
        row && fileFields(collection).find((candidate) => fileNames(row[candidate.name]).includes(filename));
      if (!row || !field) throw notFound();
      let ctx = app.context({ accountability: request.accountability ?? guest, request, reply });
      if (field.protected) {
        ctx = { ...ctx, accountability: await fileTokenHolder(app, request) };
        if (!(await mayView(app, collection, recordId, ctx))) throw notFound();
      }
      const key = recordFileKey(collection, recordId, filename);
      const { thumb, download } = request.query;
      const opened = thumb ? await openThumb(app, ctx, field, key, thumb) : undefined;
      const meta = {
        event: 'files.download',
        collection: collection.name,
        collectionId: collection.id,
        record: decodeRecord(collection, row, { isAdmin: true }),
        field: field.name,
        filename,
      };
      let served: { servedPath: string; servedName: string };
      try {
        const payload = { servedPath: opened?.key ?? key, servedName: filename };
        served = await filterPayload(app, 'files.download', payload, meta, ctx, recordTags(collection));
      } catch (error) {
        opened?.object.body.destroy();
        throw error;
      }
      let object = opened?.object;
      if (served.servedPath !== opened?.key) {
        object?.body.destroy();
        object = await app.services.storage.get(served.servedPath, ctx);
      }
      if (!object) throw notFound();
      return sendStoredFile(reply, object, served.servedName, download !== undefined && TRUE.has(download), {
        reopen: (range) => app.services.storage.get(served.servedPath, ctx, range),
      });
    },
  );

  http.post('/api/files/token', async (request) => {
    const who = request.accountability ?? guest;
    const ctx = app.context({ accountability: who, request });
    const collection = who.collection ? app.schema.get(who.collection) : undefined;
    const row =
      collection && who.user ? await findRecordById(app.database.reader, collection, who.user) : undefined;
    const issued =
      collection && row
        ? await signFileToken(app.secret(), collection, { id: who.user!, tokenKey: row.tokenKey })
        : '';
    const tags = collection ? recordTags(collection) : [];
    const meta = {
      event: 'files.token',
      collection: collection?.name ?? '',
      collectionId: collection?.id ?? '',
      record: who.record,
    };
    const { token } = await filterPayload(app, 'files.token', { token: issued }, meta, ctx, tags);
    if (typeof token !== 'string' || token === '')
      throw new InvalidPayloadError('Failed to generate file token.');
    emitAction(app, 'files.token', { ...meta, token }, ctx, tags);
    return { token };
  });
}

/**
 * Who the `?token=` of a protected file stands for, with its roles: a guest without one, or with
 * an invalid one.
 */
export async function fileTokenHolder(
  app: App,
  request: FastifyRequest<{ Querystring: { token?: string } }>,
): Promise<Accountability> {
  const token = request.query.token;
  if (!token) return guest;
  const holder = await accountabilityFromFileToken(token, app.secret(), app.database, app.schema);
  return grantsOf(app.schema).withRoles(holder);
}

/** Whether the collection's view rule lets `ctx`'s caller see the record (a locked rule: superusers only). */
async function mayView(
  app: App,
  collection: Collection,
  recordId: string,
  ctx: HookContext,
): Promise<boolean> {
  if (ctx.accountability.admin) return true;
  if (collection.viewRule === null) return false;
  const condition = ruleCondition(collection, 'viewRule', ctx, app.database.dialect);
  return !condition || recordMatches(app.database.reader, collection, recordId, condition);
}
