import type { App } from '../app/types.ts';
import { INTERNAL_OWNER } from '../context.ts';
import { KEEP_ALL, logSettings, requestLog } from './request.ts';

/** PocketBase's name for the clean-up; it runs every six hours, as there. */
const CLEANUP = { name: '__pbLogsCleanup__', expression: '0 */6 * * *' };

/**
 * Logs every answered request into the log buffer, once its answer has gone (the row is built
 * from the request and the settings' `logs` block, and written later in a batch), and prunes
 * the rows older than `logs.maxDays` on a schedule.
 */
export function recordRequests(app: App): void {
  const { logs, settings } = app.services;
  app.http.addHook('onResponse', (request, reply, done) => {
    const cached = settings.cached();
    if (cached) {
      const entry = requestLog(request, reply, cached.logs);
      if (entry) logs.buffer.add(entry);
      return done();
    }
    // the settings are read again after a change: the whole row is made now, while the
    // connection's address is known, and trimmed to them once they are
    const full = requestLog(request, reply, KEEP_ALL);
    settings.current().then(
      (current) => {
        const entry = full && logSettings(full, current.logs);
        if (entry) logs.buffer.add(entry);
      },
      (error: unknown) =>
        app.logger.warn({ err: error }, 'A request was not logged: the settings could not be read.'),
    );
    done();
  });
  app.hooks.schedule(
    CLEANUP.expression,
    async () => {
      await logs.prune((await settings.current()).logs.maxDays);
    },
    { owner: INTERNAL_OWNER, name: CLEANUP.name },
  );
}
