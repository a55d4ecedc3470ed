import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { ExtensionEntry } from './discover.ts';
import { evaluateFile } from './evaluate.ts';
import { explainUnknownName } from './suggest.ts';
import type { ExtensionContext, VocabularyContext } from './types.ts';
import { pocketbaseGlobals } from './vocabularies/pocketbase-globals.ts';

/** PocketBase's hook files: `*.pb.js` (and `*.pb.ts`, which needs no build step here). */
const PB_HOOK_FILE = /\.pb\.[cm]?[jt]s$/;

/**
 * The hook files of a `pb_hooks` folder, in the order they load: by file name (code-point
 * order), as PocketBase loads them. Each is its own extension, `pb_hooks/<file>`.
 */
export function discoverPbHooks(dir: string | undefined): ExtensionEntry[] {
  if (!dir || !existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => PB_HOOK_FILE.test(name) && !name.startsWith('.'))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => ({
      id: name,
      owner: `pb_hooks/${name}`,
      plugin: name.replace(PB_HOOK_FILE, ''),
      path: join(dir, name),
      pbHooks: true,
    }));
}

/** The globals of the file being evaluated, by a key the file's first line names. */
const SLOT = Symbol.for('sluice.pb_hooks');
const slots = new Map<string, Record<string, unknown>>();
(globalThis as Record<symbol, unknown>)[SLOT] = slots;

/**
 * Runs a pb_hooks file's top-level code with PocketBase's globals. The file goes through the
 * same evaluation as every extension (jiti: a CommonJS function wrapper run in the server's own
 * realm, so `instanceof` and npm modules behave as anywhere in the server, `import` and
 * `require` resolve from the file's folder, and nothing is cached between reloads); the globals
 * are declared on the file's first line, so line numbers in errors stay the file's own.
 */
export async function runPbHooksFile(
  entry: ExtensionEntry,
  vocabularyContext: VocabularyContext,
  context: ExtensionContext,
  hooksDir: string,
): Promise<void> {
  const globals: Record<string, unknown> = {
    ...pocketbaseGlobals(vocabularyContext, context),
    __hooks: hooksDir,
  };
  const key = randomUUID();
  const names = Object.keys(globals);
  const prologue = `const { ${names.join(', ')} } = globalThis[Symbol.for('sluice.pb_hooks')].get(${JSON.stringify(key)});`;
  slots.set(key, globals);
  try {
    await evaluateFile(entry.path, prologue);
  } catch (error) {
    throw explainUnknownName(error, names);
  } finally {
    slots.delete(key);
  }
}

/**
 * Which pb_hooks files a changed path belongs to: the file itself, or every one of them for
 * another file of the folder (a module they `require`); none outside the folder.
 */
export function pbHooksOwnersOfPath(
  dir: string | undefined,
  path: string,
  entries: readonly ExtensionEntry[],
): string[] {
  if (!dir) return [];
  const inside = relative(dir, path);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return [];
  if (!inside.includes(sep) && PB_HOOK_FILE.test(inside)) return [`pb_hooks/${inside}`];
  return entries.filter((entry) => entry.pbHooks).map((entry) => entry.owner);
}
