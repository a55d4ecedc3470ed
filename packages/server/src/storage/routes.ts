import { InvalidPayloadError, SluiceError } from '@sluice/hooks';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../app/types.ts';
import { objectBody, requireSuperuser } from '../http/guards.ts';
import { StorageUnavailableError } from './errors.ts';

/** A storage test that failed: the superuser asked, so the reason is told. */
class StorageTestError extends SluiceError {
  constructor(error: StorageUnavailableError) {
    super(400, 'SLUICE_ERR_STORAGE_TEST_FAILED', `The ${error.driver} file storage test failed.`, {
      storage: { code: 'storage_test_failed', message: error.reason },
    });
  }
}

/**
 * `POST /api/settings/test/storage` (the configured driver, or `{driver, <driver>: {…}}` given
 * in the body over the stored settings) and PocketBase's `POST /api/settings/test/s3`: each
 * connects, writes a probe and removes it; 204 when that worked. Superusers only.
 */
export function registerStorageTestRoutes(app: App): void {
  const run = async (request: FastifyRequest, reply: FastifyReply, patch: Record<string, unknown>) => {
    requireSuperuser(request);
    const settings = await app.services.settings.preview(patch);
    try {
      await app.services.storage.test(
        app.context({ accountability: request.accountability, request }),
        settings,
      );
    } catch (error) {
      if (error instanceof StorageUnavailableError) throw new StorageTestError(error);
      throw error;
    }
    return reply.status(204).send();
  };

  app.http.post('/api/settings/test/storage', (request, reply) => {
    const { driver, ...blocks } = objectBody(request);
    return run(request, reply, driver === undefined ? blocks : { ...blocks, storage: { driver } });
  });

  app.http.post('/api/settings/test/s3', (request, reply) => {
    const { filesystem = 'storage' } = objectBody(request);
    if (filesystem !== 'storage')
      throw new InvalidPayloadError('Invalid filesystem.', {
        filesystem: { code: 'validation_invalid_value', message: 'Only "storage" can be tested.' },
      });
    return run(request, reply, { storage: { driver: 's3' } });
  });
}
