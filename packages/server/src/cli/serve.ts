import type { App } from '../app/types.ts';

/** How long after the shutdown timeout the process exits even if stop() has not returned. */
const HARD_EXIT_GRACE_MS = 1000;

/** `sluice serve`: starts the app and keeps the process running (-1) until SIGINT or SIGTERM. */
export async function serve(app: App): Promise<number> {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'Stopping…');
    // stop() gives up on what hangs when the shutdown timeout runs out, then still closes the
    // database; should it not return even so, the process exits anyway a moment later
    const timeoutMs = app.options.shutdownTimeoutMs;
    setTimeout(() => {
      app.logger.error({ timeoutMs }, 'Did not stop within the shutdown timeout; exiting anyway.');
      process.exit(1);
    }, timeoutMs + HARD_EXIT_GRACE_MS).unref();
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        app.logger.error({ err: error }, 'Failed to stop cleanly.');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  try {
    await app.start();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      app.logger.fatal(
        { http: app.options.http },
        `Sluice could not start: ${app.options.http} is in use by another program. ` +
          'Stop it, or listen elsewhere with --http HOST:PORT (or SLUICE_HTTP).',
      );
    } else app.logger.fatal({ err: error }, `Sluice could not start: ${(error as Error).message}`);
    return 1;
  }
  return -1;
}
