import type { App } from '../app/types.ts';
import { INTERNAL_OWNER } from '../context.ts';
import { requireSuperuser } from '../http/guards.ts';

/** `GET /api/hooks`: what is registered — extensions, each hook, each schedule with its next run. */
export function registerHookRoutes(app: App): void {
  app.http.get('/api/hooks', (request) => {
    requireSuperuser(request);
    return {
      extensions: app.extensions.map(({ id, owner, path, vocabulary, error }) => ({
        id,
        extension: owner,
        path,
        vocabulary: vocabulary ?? null,
        error: error ? error.message : null,
      })),
      hooks: app.hooks
        .registrations()
        .filter(({ owner }) => owner !== INTERNAL_OWNER)
        .map(({ owner, kind, event, tags, priority }) => ({
          extension: owner,
          kind,
          event,
          tags,
          priority,
        })),
      schedules: app.hooks
        .schedules()
        .filter(({ owner }) => owner !== INTERNAL_OWNER)
        .map(({ owner, expression, lastRun, nextRun, running, runs, skipped, lockSkipped }) => ({
          extension: owner,
          expression,
          lastRun: lastRun ? lastRun.toISOString() : null,
          nextRun: nextRun ? nextRun.toISOString() : null,
          running,
          runs,
          skipped,
          lockSkipped,
        })),
    };
  });
}
