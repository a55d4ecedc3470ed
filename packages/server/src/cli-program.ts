import { parseArgs } from 'node:util';

/**
 * Called as commander calls it: the command's arguments in order (an optional one left out is
 * `undefined`), then the options, then the command. It may return (or resolve to) an exit code;
 * `-1` keeps the process running (a server); anything else means 0.
 */
export type CliAction = (...args: any[]) => unknown;

/** A command line that names no command, an unknown option or too few arguments: said in one line, then the usage. */
export class CliUsageError extends Error {}

interface CliOption {
  long: string;
  short?: string;
  takesValue: boolean;
  description: string;
  defaultValue?: unknown;
}

interface CliArgument {
  name: string;
  required: boolean;
}

/**
 * The part of commander's `Command` that Directus' `cli.before` / `cli.after` hooks use:
 * `command('name <arg> [optional]')`, `description`, `argument`, `option('-s, --long <value>')`
 * and `action`; a command's subcommands are commands too (`program.command('db').command('seed')`).
 */
export class CliProgram {
  readonly commands: CliProgram[] = [];
  readonly #arguments: CliArgument[] = [];
  readonly #options: CliOption[] = [];
  #description = '';
  #action: CliAction | undefined;

  constructor(
    readonly commandName = '',
    readonly parent?: CliProgram,
  ) {}

  name(): string {
    return this.commandName;
  }

  /** Adds a subcommand, `name` optionally followed by its arguments, and returns it. */
  command(nameAndArguments: string): CliProgram {
    const [name, ...args] = nameAndArguments.trim().split(/\s+/);
    const command = new CliProgram(name, this);
    for (const arg of args) command.argument(arg);
    this.commands.push(command);
    return command;
  }

  /** `<name>` is required, `[name]` optional. */
  argument(spec: string): this {
    this.#arguments.push({ name: spec.slice(1, -1), required: spec.startsWith('<') });
    return this;
  }

  description(text: string): this {
    this.#description = text;
    return this;
  }

  /** `--long`, `-s, --long`, or with a value: `--long <value>`. */
  option(flags: string, description = '', defaultValue?: unknown): this {
    const short = /(?:^|[\s,])-([A-Za-z])\b/.exec(flags)?.[1];
    const long = /--([A-Za-z][\w-]*)/.exec(flags)?.[1];
    if (!long) throw new TypeError(`An option needs a --long name: ${JSON.stringify(flags)}.`);
    this.#options.push({ long, short, takesValue: /[<[]/.test(flags), description, defaultValue });
    return this;
  }

  action(handler: CliAction): this {
    this.#action = handler;
    return this;
  }

  /** One line per command that has an action, for the usage text. */
  usageLines(prefix = 'sluice'): string[] {
    const path = this.commandName ? `${prefix} ${this.commandName}` : prefix;
    const own = this.#action
      ? [
          [
            `  ${path}`,
            ...this.#arguments.map(({ name, required }) => (required ? `<${name}>` : `[${name}]`)),
            ...this.#options.map((option) =>
              option.takesValue ? `[--${option.long} …]` : `[--${option.long}]`,
            ),
          ].join(' ') + (this.#description ? `  ${this.#description}` : ''),
        ]
      : [];
    return [...own, ...this.commands.flatMap((command) => command.usageLines(path))];
  }

  /**
   * Finds the command the arguments name, parses its arguments and options (and those of the
   * commands above it) and runs its action, resolving to its exit code. A command line that names
   * no command with an action, an option no command declares, a missing or extra argument
   * throws a `CliUsageError`.
   */
  async run(argv: string[]): Promise<number | undefined> {
    let command: CliProgram = this;
    const rest = [...argv];
    // options may come before or after the command's name: the first positional names it
    let first: string | undefined;
    for (;;) {
      const { tokens } = parseArgs({ ...command.#parserConfig(), args: rest, tokens: true });
      const token = tokens.find((candidate) => candidate.kind === 'positional');
      first = token?.value;
      const sub = token && command.commands.find((candidate) => candidate.commandName === token.value);
      if (!token || !sub) break;
      rest.splice(token.index, 1);
      command = sub;
    }
    if (!command.#action) {
      const path = command.#path();
      throw new CliUsageError(
        first !== undefined
          ? `Unknown command: ${path} ${first}`
          : `Missing command: ${path} ${command.commands.map((sub) => sub.commandName).join('|')}`,
      );
    }
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({ ...command.#parserConfig(), args: rest, strict: true });
    } catch (error) {
      throw new CliUsageError(parseErrorMessage(error));
    }
    const { values, positionals } = parsed;
    const missing = command.#arguments.find((arg, index) => arg.required && positionals[index] === undefined);
    if (missing) throw new CliUsageError(`Missing argument <${missing.name}> for ${command.#path()}.`);
    const extra = positionals[command.#arguments.length];
    if (extra !== undefined) throw new CliUsageError(`Unexpected argument for ${command.#path()}: ${extra}`);
    const options: Record<string, unknown> = {};
    for (const option of command.#declaredOptions()) {
      const value = values[option.long] ?? option.defaultValue;
      if (value !== undefined) options[camelCase(option.long)] = value;
    }
    const args = command.#arguments.map((_, index) => positionals[index]);
    const result = await command.#action(...args, options, command);
    return typeof result === 'number' ? result : undefined;
  }

  #path(): string {
    return this.parent ? `${this.parent.#path()} ${this.commandName}` : 'sluice';
  }

  /** `parseArgs` settings for this command's options and those of the commands above it. */
  #parserConfig() {
    const options = Object.fromEntries(
      this.#declaredOptions().map((option) => [
        option.long,
        { type: option.takesValue ? 'string' : 'boolean', ...(option.short ? { short: option.short } : {}) },
      ]),
    ) as Record<string, { type: 'string' | 'boolean'; short?: string }>;
    return { options, allowPositionals: true, strict: false } as const;
  }

  #declaredOptions(): CliOption[] {
    return [...(this.parent ? this.parent.#declaredOptions() : []), ...this.#options];
  }
}

/** The first sentence of a `parseArgs` error (`Unknown option '--x'.`), without its advice on `--`. */
export function parseErrorMessage(error: unknown): string {
  return (error as Error).message.split('\n')[0]!.replace(/\. To specify .*$/, '.');
}

function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
