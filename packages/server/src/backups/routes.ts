import type { FastifyRequest } from 'fastify';
import { grantsOf } from '../access/grants.ts';
import type { App } from '../app/types.ts';
import { accountabilityFromHeader } from '../auth/accountability.ts';
import { requireSuperuser } from '../http/guards.ts';
import { scheduleBackups } from './schedule.ts';
import { Backups } from './service.ts';

/**
 * PocketBase's `/api/backups`, for superusers: list, create, download, restore, delete; and the
 * schedule of the settings' `backups` block.
 */
export async function registerBackups(app: App): Promise<void> {
  const backups = new Backups(app);
  await scheduleBackups(app, backups);
  const key = (request: FastifyRequest) => (request.params as { key: string }).key;

  app.http.get('/api/backups', async (request) => {
    requireSuperuser(request);
    return backups.list();
  });
  app.http.post('/api/backups', async (request, reply) => {
    requireSuperuser(request);
    const { name } = (request.body ?? {}) as { name?: unknown };
    await backups.create(typeof name === 'string' && name !== '' ? name : undefined);
    return reply.status(204).send();
  });
  // a download link carries its superuser's token in the query, as the PocketBase SDK builds it
  app.http.get('/api/backups/:key', async (request, reply) => {
    const { token } = request.query as { token?: string };
    if (!request.accountability.admin && token)
      request.accountability = grantsOf(app.schema).withRoles(
        await accountabilityFromHeader(token, app.secret(), app.database, app.schema),
      );
    requireSuperuser(request);
    const { size, body } = await backups.open(key(request));
    return reply
      .header('content-type', 'application/zip')
      .header('content-length', size)
      .header('content-disposition', `attachment; filename="${key(request)}"`)
      .send(body);
  });
  app.http.post('/api/backups/:key/restore', async (request, reply) => {
    requireSuperuser(request);
    await backups.restore(key(request));
    return reply.status(204).send();
  });
  app.http.delete('/api/backups/:key', async (request, reply) => {
    requireSuperuser(request);
    await backups.delete(key(request));
    return reply.status(204).send();
  });
}
