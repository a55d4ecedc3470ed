import type { App } from '../app/types.ts';
import { INTERNAL_OWNER } from '../context.ts';
import { logSettings, requestLog } from './request.ts';

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
    // made now: the connection's address is gone once its socket closes
    const full = requestLog(request, reply);
    settings.current().then(
      (current) => {
        const entry = logSettings(full, current.logs);
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
