import { NotFoundError } from '@sluice/hooks';
import type { App } from '../app/types.ts';
import { requireSuperuser } from '../http/guards.ts';

/**
 * PocketBase's crons API, over every schedule: extensions' `schedule`, pb_hooks' `cronAdd` and
 * Sluice's own (backups, retention clean-ups). `GET /api/crons` lists `{id, expression}` by id;
 * `POST /api/crons/{id}` runs one now, on this instance, and answers 204 once it has finished.
 */
export function registerCronRoutes(app: App): void {
  app.http.get('/api/crons', (request) => {
    requireSuperuser(request);
    return app.hooks
      .schedules()
      .map(({ name, expression }) => ({ id: name, expression }))
      .sort((a, b) => a.id.localeCompare(b.id));
  });

  app.http.post<{ Params: { id: string } }>('/api/crons/:id', async (request, reply) => {
    requireSuperuser(request);
    if (!(await app.hooks.runSchedule(request.params.id)))
      throw new NotFoundError(`No cron job is named "${request.params.id}".`);
    return reply.status(204).send();
  });
}
