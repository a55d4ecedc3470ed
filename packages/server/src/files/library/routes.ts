import { InvalidPayloadError } from '@sluice/hooks';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { App } from '../../app/types.ts';
import { objectBody } from '../../http/guards.ts';
import { fileTokenHolder } from '../routes.ts';
import { type AssetQuery, serveAsset } from './assets.ts';
import { type LibraryUpload, readUpload } from './upload.ts';

/** Largest file the library takes, unless `SLUICE_FILES_MAX_SIZE` (bytes) says otherwise. */
const DEFAULT_MAX_SIZE = 100 * 1024 * 1024;

type ById = { Params: { id: string } };

/**
 * `/api/files` (the files library), `/api/assets/{id}` (its content) and `/api/folders`:
 * superusers, and whoever permissions on `_files` / `_folders` let in (docs/files.md).
 */
export function registerFilesLibraryRoutes(app: App): void {
  const maxSize = Number(app.env.SLUICE_FILES_MAX_SIZE) || DEFAULT_MAX_SIZE;
  const contextOf = (request: FastifyRequest) =>
    app.context({ accountability: request.accountability, request });
  /** The upload of a multipart request, or just the JSON body's fields. */
  const uploadOf = (request: FastifyRequest): Promise<LibraryUpload> =>
    request.isMultipart()
      ? readUpload(request, maxSize)
      : Promise.resolve({ fields: objectBody(request) as Record<string, string>, content: undefined });

  app.http.register(async (scope: FastifyInstance) => {
    const { filesLibrary, folders } = app.services;

    scope.get('/api/files', (request) =>
      filesLibrary.list(request.query as Record<string, unknown>, contextOf(request)),
    );
    scope.post('/api/files', async (request) => {
      const ctx = contextOf(request);
      const { fields, content } = await uploadOf(request);
      if (!content)
        throw new InvalidPayloadError('A file is required.', {
          file: { code: 'validation_required', message: 'Send the file as a multipart/form-data part.' },
        });
      try {
        return await filesLibrary.create(fields, content, ctx);
      } finally {
        await content.discard();
      }
    });
    scope.get<ById>('/api/files/:id', (request) => filesLibrary.view(request.params.id, contextOf(request)));
    scope.patch<ById>('/api/files/:id', async (request) => {
      const ctx = contextOf(request);
      const { fields, content } = await uploadOf(request);
      try {
        return await filesLibrary.update(request.params.id, fields, content, ctx);
      } finally {
        await content?.discard();
      }
    });
    scope.delete<ById>('/api/files/:id', async (request, reply) => {
      await filesLibrary.delete([request.params.id], contextOf(request));
      return reply.status(204).send();
    });
    scope.get<ById & { Querystring: AssetQuery }>('/api/assets/:id', async (request, reply) => {
      // a file token stands for its holder, so that an <img> (which sends no header) can show it
      const accountability = request.query.token
        ? await fileTokenHolder(app, request)
        : request.accountability;
      const ctx = app.context({ accountability, request });
      const file = await filesLibrary.view(request.params.id, ctx);
      return serveAsset(app, file, request.query, reply, ctx);
    });

    scope.get('/api/folders', (request) =>
      folders.list(request.query as Record<string, unknown>, contextOf(request)),
    );
    scope.post('/api/folders', (request) => folders.create(objectBody(request), contextOf(request)));
    scope.get<ById>('/api/folders/:id', (request) => folders.view(request.params.id, contextOf(request)));
    scope.patch<ById>('/api/folders/:id', (request) =>
      folders.update(request.params.id, objectBody(request), contextOf(request)),
    );
    scope.delete<ById & { Querystring: { force?: string } }>('/api/folders/:id', async (request, reply) => {
      const force = request.query.force === 'true' || request.query.force === '1';
      await folders.delete(request.params.id, force, contextOf(request));
      return reply.status(204).send();
    });
  });
}
