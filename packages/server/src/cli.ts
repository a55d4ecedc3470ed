import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { App } from './app/types.ts';
import { exportCollections, importCollections } from './cli/collections.ts';
import { environmentSettings } from './cli/environment.ts';
import { migrateUp, migrationStatus } from './cli/migrate.ts';
import { serve } from './cli/serve.ts';
import {
  createSuperuser,
  deleteSuperuser,
  listSuperusers,
  updateSuperuser,
  upsertSuperuser,
} from './cli/superusers.ts';
import { CliProgram, CliUsageError, parseErrorMessage } from './cli-program.ts';
import { tailEvents } from './events/tail.ts';

/** The options `sluice` itself reads, for every command. */
const globalOptions = {
  dir: { type: 'string', value: 'DIR', description: 'the data folder (default ./sluice_data)' },
  http: { type: 'string', value: 'HOST:PORT', description: 'where to listen (default 127.0.0.1:8090)' },
  origins: {
    type: 'string',
    value: 'ORIGIN,…',
    description: 'the origins whose pages may call the API (CORS)',
  },
  extensions: { type: 'string', value: 'DIR', description: 'the extensions folder (default ./extensions)' },
  hooksDir: {
    type: 'string',
    value: 'DIR',
    description: "PocketBase's hook files (*.pb.js) (default pb_hooks beside the data folder)",
  },
  dev: { type: 'boolean', description: 'reload extensions when their files change' },
  help: { type: 'boolean', short: 'h', description: 'this text' },
  version: { type: 'boolean', short: 'v', description: 'the version of Sluice' },
} as const;

type GlobalOption = (typeof globalOptions)[keyof typeof globalOptions];

const parserOptions = Object.fromEntries(
  Object.entries(globalOptions).map(([name, option]: [string, GlobalOption]) => [
    name,
    { type: option.type, ...('short' in option ? { short: option.short } : {}) },
  ]),
);

async function main(argv: string[]): Promise<number> {
  // read before the commands exist: the app that loads the extensions adding commands needs them
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    options: parserOptions,
  });
  if (values.version) {
    console.log(`sluice ${version()}`);
    return 0;
  }
  const [command] = positionals;
  if (values.help || !command || command === 'help') {
    const program = withGlobalOptions(new CliProgram());
    addBuiltInCommands(program, () => {
      throw new Error('The usage runs no command.');
    });
    const unknown = values.help || command ? undefined : unknownOption(argv);
    if (unknown) {
      console.error(`${unknown}\n\n${usage(program, false)}`);
      return 1;
    }
    console.log(usage(program, true));
    return 0;
  }
  const { createApp } = await import('./app/create.ts');
  const app = createApp({
    dir: text(values.dir),
    http: text(values.http),
    origins: text(values.origins)?.split(','),
    extensions: text(values.extensions) ?? process.env.SLUICE_EXTENSIONS ?? './extensions',
    hooksDir: text(values.hooksDir),
    dev: values.dev === true,
    logLevel: command === 'serve' ? undefined : 'warn',
  });
  let result: number | undefined;
  let program: CliProgram | undefined;
  try {
    program = await buildProgram(app);
    result = await program.run(argv);
  } catch (error) {
    console.error((error as Error).message);
    if (error instanceof CliUsageError && program) console.error(`\n${usage(program, false)}`);
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
  const program = withGlobalOptions(new CliProgram());
  await app.hooks.runInit('cli.before', { program });
  addBuiltInCommands(program, () => app);
  await app.hooks.runInit('cli.after', { program });
  return program;
}

function withGlobalOptions(program: CliProgram): CliProgram {
  for (const [name, option] of Object.entries(globalOptions) as [string, GlobalOption][])
    program.option(option.type === 'string' ? `--${name} <value>` : `--${name}`, option.description);
  return program;
}

/** The first option of a command line naming no command that `sluice` does not know, said in one line. */
function unknownOption(argv: string[]): string | undefined {
  try {
    parseArgs({ args: argv, allowPositionals: true, strict: true, options: parserOptions });
    return undefined;
  } catch (error) {
    return parseErrorMessage(error);
  }
}

/** `app`: the app the commands run on, asked for only when one runs. */
function addBuiltInCommands(program: CliProgram, app: () => App): void {
  program
    .command('serve')
    .description('Serves the API.')
    .action(() => serve(app()));
  // Sluice's `admin` and PocketBase's `superuser`
  for (const group of ['admin', 'superuser']) {
    const superusers = program.command(group);
    superusers
      .command('create <email> <password>')
      .description('Creates a superuser.')
      .action((email: string, password: string) => createSuperuser(app(), email, password));
    superusers
      .command('update <email> <password>')
      .description('Changes a superuser’s password.')
      .action((email: string, password: string) => updateSuperuser(app(), email, password));
    superusers
      .command('upsert <email> <password>')
      .description('Creates a superuser, or changes its password.')
      .action((email: string, password: string) => upsertSuperuser(app(), email, password));
    superusers
      .command('delete <email>')
      .description('Deletes a superuser.')
      .action((email: string) => deleteSuperuser(app(), email));
    superusers
      .command('list')
      .description('Lists the superusers.')
      .action(() => listSuperusers(app()));
  }
  const migrate = program
    .command('migrate')
    .description('Applies the pending migrations.')
    .action(() => migrateUp(app()));
  migrate
    .command('up')
    .description('Applies the pending migrations (every start does too).')
    .action(() => migrateUp(app()));
  migrate
    .command('status')
    .description('Lists the migrations, applied or pending.')
    .action(() => migrationStatus(app()));
  const collections = program.command('collections');
  collections
    .command('export [file]')
    .description('Writes the collections as JSON (to stdout without a file).')
    .action((file: string | undefined) => exportCollections(app(), file));
  collections
    .command('import <file>')
    .option('--delete-missing', 'also deletes the collections the file does not name')
    .description('Creates and updates the collections of a JSON export.')
    .action((file: string, options: { deleteMissing?: boolean }) => importCollections(app(), file, options));
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
}

/** The commands and options; with `environment`, the environment settings too. */
function usage(program: CliProgram, environment: boolean): string {
  const column = (rows: [string, string][]) => {
    const width = Math.max(...rows.map(([left]) => left.length));
    return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`).join('\n');
  };
  const options = Object.entries(globalOptions).map(
    ([name, option]: [string, GlobalOption]): [string, string] => [
      `${'short' in option ? `-${option.short}, ` : ''}--${name}${'value' in option ? ` ${option.value}` : ''}`,
      option.description,
    ],
  );
  return [
    'Usage: sluice <command> [options]',
    '',
    'Commands:',
    ...program.usageLines(),
    '  sluice help',
    '',
    'Options:',
    column(options),
    '',
    ...(environment
      ? ['Environment:', column(environmentSettings.map(([name, description]) => [name, description]))]
      : ['Environment settings: sluice help']),
  ].join('\n');
}

function version(): string {
  return (
    JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
  ).version;
}

function text(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

const code = await main(process.argv.slice(2));
if (code >= 0) process.exit(code);
