import { parseArgs } from 'node:util';
import { createApp } from './app/create.ts';
import type { App } from './app/types.ts';
import { SUPERUSERS } from './auth/accountability.ts';
import { CliProgram } from './cli-program.ts';
import { tailEvents } from './events/tail.ts';

/** How long after the shutdown timeout the process exits even if stop() has not returned. */
const HARD_EXIT_GRACE_MS = 1000;

const usage = `Usage:
  sluice serve [--dir DATA] [--http HOST:PORT] [--origins ORIGIN,…] [--extensions DIR] [--dev]
  sluice admin create EMAIL PASSWORD [--dir DATA]
  sluice events tail [--url URL] [--token TOKEN] [--filter PATTERNS] [--json]

--origins: the origins whose pages may call the API (CORS); default * (every origin).

Environment: SLUICE_DATABASE_URL (postgres://…), SLUICE_ADMIN_EMAIL / SLUICE_ADMIN_PASSWORD,
SLUICE_ORIGINS, SLUICE_TRUSTED_PROXIES, SLUICE_EXTENSIONS, SLUICE_EXTENSIONS_MUST_LOAD,
SLUICE_LOG_LEVEL, SLUICE_SHUTDOWN_TIMEOUT_MS.`;

/** The options `sluice` itself reads, for every command. */
const globalOptions = {
  dir: { type: 'string' },
  http: { type: 'string' },
  origins: { type: 'string' },
  extensions: { type: 'string' },
  dev: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

async function main(argv: string[]): Promise<number> {
  // read before the commands exist: the app that loads the extensions adding commands needs them
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    options: globalOptions,
  });
  const [command] = positionals;
  if (values.help || !command) {
    console.log(usage);
    return values.help ? 0 : 1;
  }
  const app = createApp({
    dir: text(values.dir),
    http: text(values.http),
    origins: text(values.origins)?.split(','),
    extensions: text(values.extensions) ?? process.env.SLUICE_EXTENSIONS ?? './extensions',
    dev: values.dev === true,
    logLevel: command === 'serve' ? undefined : 'warn',
  });
  let result: number | undefined | 'unknown';
  try {
    const program = await buildProgram(app);
    result = await program.run(argv);
    if (result === 'unknown') {
      console.error([usage, ...program.usageLines().filter((line) => !builtIn(line))].join('\n'));
      result = 1;
    }
  } catch (error) {
    console.error((error as Error).message);
    result = 1;
  }
  if (result === -1) return -1;
  try {
    await app.stop();
  } catch (error) {
    app.logger.error({ err: error }, 'Failed to stop cleanly.');
    return 1;
  }
  return result ?? 0;
}

/**
 * Extensions load first; `cli.before` gets the program before the built-in commands exist (a
 * hook may add its own), `cli.after` once they do (Directus' order).
 */
async function buildProgram(app: App): Promise<CliProgram> {
  await app.loadExtensions();
  const program = new CliProgram();
  for (const [name, { type }] of Object.entries(globalOptions))
    program.option(type === 'string' ? `--${name} <value>` : `--${name}`);
  await app.hooks.runInit('cli.before', { program });
  program
    .command('serve')
    .description('Serves the API.')
    .action(() => serve(app));
  program
    .command('admin')
    .command('create <email> <password>')
    .description('Creates a superuser.')
    .action((email: string, password: string) => createSuperuser(app, email, password));
  program
    .command('events')
    .command('tail')
    .description('Prints the events a running Sluice fires (SLUICE_URL, SLUICE_TOKEN: a superuser token).')
    .option('--url <url>')
    .option('--token <token>')
    .option('--filter <patterns>')
    .option('--json')
    .action((options: { url?: string; token?: string; filter?: string; json?: boolean }) =>
      tailEvents({
        url: options.url ?? process.env.SLUICE_URL ?? 'http://127.0.0.1:8090',
        token: options.token ?? process.env.SLUICE_TOKEN ?? '',
        filter: options.filter,
        json: options.json === true,
        write: (line) => console.log(line),
      }),
    );
  await app.hooks.runInit('cli.after', { program });
  return program;
}

async function serve(app: App): Promise<number> {
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
    return 1;
  }
  return -1;
}

async function createSuperuser(app: App, email: string, password: string): Promise<number> {
  try {
    await app.bootstrap();
    await app.services.records.create(SUPERUSERS, { email, password, passwordConfirm: password });
    console.log(`Created superuser ${email}.`);
    return 0;
  } catch (error) {
    const details = (error as { details?: Record<string, { message: string }> }).details ?? {};
    const reasons = Object.entries(details).map(([field, detail]) => `${field}: ${detail.message}`);
    console.error(`Could not create the superuser: ${(error as Error).message} ${reasons.join('; ')}`.trim());
    return 1;
  }
}

const builtIn = (line: string) => /^ {2}sluice (serve|admin create)\b/.test(line);

function text(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

const code = await main(process.argv.slice(2));
if (code >= 0) process.exit(code);
