import { describe, expect, it } from 'vitest';
import { CliProgram } from './cli-program.ts';

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

  it('reports an unknown command and a missing argument', async () => {
    const program = new CliProgram();
    program.command('hello <name>').action(() => {});
    expect(await program.run(['goodbye'])).toBe('unknown');
    await expect(program.run(['hello'])).rejects.toThrow('Missing argument <name>.');
    expect(await program.run(['hello', 'ann'])).toBeUndefined();
  });
});
