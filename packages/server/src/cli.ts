import { parseArgs } from 'node:util';
import { createApp } from './app/create.ts';
import type { App } from './app/types.ts';
import { SUPERUSERS } from './auth/accountability.ts';
import type { CliProgram } from './catalogue/events.ts';

/** How long after the shutdown timeout the process exits even if stop() has not returned. */
const HARD_EXIT_GRACE_MS = 1000;

const usage = `Usage:
  sluice serve [--dir DATA] [--http HOST:PORT] [--origins ORIGIN,…] [--extensions DIR] [--dev]
  sluice admin create EMAIL PASSWORD [--dir DATA]

--origins: the origins whose pages may call the API (CORS); default * (every origin).

Environment: SLUICE_DATABASE_URL (postgres://…), SLUICE_ADMIN_EMAIL / SLUICE_ADMIN_PASSWORD,
SLUICE_ORIGINS, SLUICE_TRUSTED_PROXIES, SLUICE_EXTENSIONS, SLUICE_EXTENSIONS_MUST_LOAD,
SLUICE_LOG_LEVEL, SLUICE_SHUTDOWN_TIMEOUT_MS.`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      dir: { type: 'string' },
      http: { type: 'string' },
      origins: { type: 'string' },
      extensions: { type: 'string' },
      dev: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, subcommand, ...rest] = positionals;
  if (values.help || !command) {
    console.log(usage);
    return values.help ? 0 : 1;
  }

  if (command === 'serve') {
    const app = createApp({
      dir: values.dir,
      http: values.http,
      origins: values.origins?.split(','),
      extensions: values.extensions ?? process.env.SLUICE_EXTENSIONS ?? './extensions',
      dev: values.dev,
    });
    await runCliHooks(app, { command, args: positionals.slice(1), options: values });
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
      app.logger.fatal({ err: error }, `Sluice could not start: ${(error as Error).message}`);
      await app.stop().catch(() => {});
      return 1;
    }
    return -1;
  }

  if (command === 'admin' && subcommand === 'create') {
    const [email, password] = rest;
    if (!email || !password) {
      console.error('Usage: sluice admin create EMAIL PASSWORD [--dir DATA]');
      return 1;
    }
    const app = createApp({ dir: values.dir, extensions: values.extensions, logLevel: 'warn' });
    try {
      await runCliHooks(app, { command: 'admin create', args: rest, options: values });
      await app.bootstrap();
      await app.services.records.create(SUPERUSERS, { email, password, passwordConfirm: password });
      console.log(`Created superuser ${email}.`);
      return 0;
    } catch (error) {
      const details = (error as { details?: Record<string, { message: string }> }).details ?? {};
      const reasons = Object.entries(details).map(([field, detail]) => `${field}: ${detail.message}`);
      console.error(
        `Could not create the superuser: ${(error as Error).message} ${reasons.join('; ')}`.trim(),
      );
      return 1;
    } finally {
      await app.stop();
    }
  }

  console.error(usage);
  return 1;
}

/** Extensions load first, so that `cli.before` / `cli.after` reach them with the parsed command line. */
async function runCliHooks(app: App, program: CliProgram): Promise<void> {
  await app.loadExtensions();
  await app.hooks.runInit('cli.before', { program });
  await app.hooks.runInit('cli.after', { program });
}

const code = await main(process.argv.slice(2));
if (code >= 0) process.exit(code);
