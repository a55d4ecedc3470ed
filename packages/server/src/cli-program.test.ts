import { describe, expect, it } from 'vitest';
import { CliProgram, CliUsageError } from './cli-program.ts';

describe('CliProgram', () => {
  it('runs the command the arguments name, with its arguments and options, wherever the options are', async () => {
    const calls: unknown[][] = [];
    const program = new CliProgram().option('--dir <value>');
    program
      .command('db')
      .command('seed <file> [count]')
      .option('-f, --dry-run')
      .option('--size <value>', 'rows', '10')
      .action((file, count, options) => {
        calls.push([file, count, options]);
        return 3;
      });
    expect(await program.run(['--dir', 'data', 'db', 'seed', 'rows.json', '-f'])).toBe(3);
    expect(await program.run(['db', '--dir=data', 'seed', 'rows.json', '5', '--size', '20'])).toBe(3);
    expect(calls).toEqual([
      ['rows.json', undefined, { dir: 'data', dryRun: true, size: '10' }],
      ['rows.json', '5', { dir: 'data', size: '20' }],
    ]);
  });

  it('reports an unknown command or option, a missing command or argument and an extra argument', async () => {
    const program = new CliProgram();
    program.command('hello <name>').action(() => {});
    program
      .command('db')
      .command('seed')
      .action(() => {});
    const usageError = (argv: string[]) =>
      program.run(argv).then(
        () => undefined,
        (error: Error) => (error instanceof CliUsageError ? error.message : error),
      );
    expect(await usageError(['goodbye'])).toBe('Unknown command: sluice goodbye');
    expect(await usageError(['db', 'drop'])).toBe('Unknown command: sluice db drop');
    expect(await usageError(['db'])).toBe('Missing command: sluice db seed');
    expect(await usageError(['hello'])).toBe('Missing argument <name> for sluice hello.');
    expect(await usageError(['hello', 'ann', 'bob'])).toBe('Unexpected argument for sluice hello: bob');
    expect(await usageError(['hello', 'ann', '--loud'])).toBe("Unknown option '--loud'.");
    expect(await program.run(['hello', 'ann'])).toBeUndefined();
  });
});
