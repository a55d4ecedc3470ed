import { parseArgs } from 'node:util';

/**
 * Called as commander calls it: the command's arguments in order (an optional one left out is
 * `undefined`), then the options, then the command. It may return (or resolve to) an exit code;
 * `-1` keeps the process running (a server); anything else means 0.
 */
export type CliAction = (...args: any[]) => unknown;

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
   * commands above it) and runs its action: its exit code, or `unknown` when no command with an
   * action matches.
   */
  async run(argv: string[]): Promise<number | undefined | 'unknown'> {
    let command: CliProgram = this;
    const rest = [...argv];
    // options may come before or after the command's name: the first positional names it
    for (;;) {
      const { tokens } = parseArgs({ ...command.#parserConfig(), args: rest, tokens: true });
      const first = tokens.find((token) => token.kind === 'positional');
      const sub = first && command.commands.find((candidate) => candidate.commandName === first.value);
      if (!first || !sub) break;
      rest.splice(first.index, 1);
      command = sub;
    }
    if (!command.#action) return 'unknown';
    const { values, positionals } = parseArgs({ ...command.#parserConfig(), args: rest });
    const missing = command.#arguments.find((arg, index) => arg.required && positionals[index] === undefined);
    if (missing) throw new TypeError(`Missing argument <${missing.name}>.`);
    const options: Record<string, unknown> = {};
    for (const option of command.#declaredOptions()) {
      const value = values[option.long] ?? option.defaultValue;
      if (value !== undefined) options[camelCase(option.long)] = value;
    }
    const args = command.#arguments.map((_, index) => positionals[index]);
    const result = await command.#action(...args, options, command);
    return typeof result === 'number' ? result : undefined;
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

function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
