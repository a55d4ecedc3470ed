import { readFile } from 'node:fs/promises';
import { OWN_MODULE_ALIASES } from './own-modules.ts';

/**
 * Evaluates an extension file afresh on every call, whatever its module system: jiti would hand
 * plain JavaScript to Node's own loader, whose cache a reload could not get past, so the file is
 * always transpiled. What it imports is evaluated afresh too (no module cache), except the
 * server's own modules (`sluice`, `@sluice/hooks`, …), which resolve to the running instances.
 * `prologue` is put before the first line (on that line, so line numbers stay true).
 */
export async function evaluateFile(path: string, prologue = ''): Promise<unknown> {
  // loaded with the first extension: a server without any does not hold the TypeScript compiler
  const { createJiti } = await import('jiti');
  const jiti = createJiti(import.meta.url, { moduleCache: false, alias: OWN_MODULE_ALIASES });
  const source = await readFile(path, 'utf8');
  try {
    return await jiti.evalModule(prologue + source, {
      filename: path,
      id: path,
      async: true,
      forceTranspile: true,
    });
  } catch (error) {
    throw withCodeFrame(error, path, source);
  }
}

/** A syntax error names its line (`file:line:column`): the message gains the lines around it. */
function withCodeFrame(error: unknown, path: string, source: string): unknown {
  if (!(error instanceof Error)) return error;
  const at = error.message.match(/:(\d+):(\d+)\s*$/);
  if (!at || !error.message.includes(path)) return error;
  const frame = codeFrame(source, Number(at[1]), Number(at[2]));
  const message = `${error.message
    .replace(/^(\w*Error: )+/, '')
    .replace(/\s+\S+:\d+:\d+\s*$/, '')
    .trim()} (${path}:${at[1]}:${at[2]})\n${frame}`;
  return Object.assign(new SyntaxError(message, { cause: error }), { line: Number(at[1]) });
}

/** The lines around `line` (1-based), the line itself marked with `>` and a caret under `column` (0-based). */
export function codeFrame(source: string, line: number, column: number, around = 2): string {
  const lines = source.split(/\r?\n/);
  const first = Math.max(1, line - around);
  const last = Math.min(lines.length, line + around);
  const width = String(last).length;
  const out: string[] = [];
  for (let number = first; number <= last; number++) {
    const gutter = String(number).padStart(width);
    out.push(`${number === line ? '>' : ' '} ${gutter} | ${lines[number - 1]}`);
    if (number === line) out.push(`  ${' '.repeat(width)} | ${' '.repeat(Math.max(0, column))}^`);
  }
  return out.join('\n');
}
