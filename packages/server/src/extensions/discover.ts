import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';

/** One hook file found in an extensions folder. */
export interface ExtensionEntry {
  /** `<id>` for a standalone hook, `<bundle-id>/<hook-id>` for a bundle's hook. */
  id: string;
  /** `hooks/<id>` or `bundles/<bundle-id>/<hook-id>`: every hook it registers carries it. */
  owner: string;
  /** The standalone hook's id, or the bundle's: the default source of the events it dispatches. */
  plugin: string;
  /** The file to load. */
  path: string;
  /** Set for a Directus endpoint extension (`endpoints/<id>`), which adds routes, not hooks. */
  endpoint?: true;
  /** Set for a PocketBase hook file of the `pb_hooks` folder, run with PocketBase's globals. */
  pbHooks?: true;
}

/** Entry files, in the order one is chosen when several exist. */
export const HOOK_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'] as const;

const isHookFile = (name: string) =>
  (HOOK_EXTENSIONS as readonly string[]).includes(extname(name)) &&
  !name.endsWith('.d.ts') &&
  !/\.(test|spec)\.[cm]?[jt]s$/.test(name);

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function listDir(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => !name.startsWith('.') && name !== 'node_modules')
    .sort(byName);
}

function indexFile(dir: string): string | undefined {
  for (const extension of HOOK_EXTENSIONS) {
    const candidate = join(dir, `index${extension}`);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** `<dir>/<id>/index.*` and `<dir>/<id>.*`, by id; a folder wins over a file of the same id. */
function hooksIn(dir: string): { id: string; path: string }[] {
  const found = new Map<string, string>();
  for (const name of listDir(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      const index = indexFile(path);
      if (index) found.set(name, index);
    } else if (isHookFile(name)) {
      const id = name.slice(0, -extname(name).length);
      // `foo/` sorts before `foo.js`, so a folder with an index has already claimed the id.
      if (!found.has(id)) found.set(id, path);
    }
  }
  return [...found].sort(([a], [b]) => byName(a, b)).map(([id, path]) => ({ id, path }));
}

/**
 * The hook files of an extensions folder, in the order they load: `hooks/` before `bundles/`,
 * then by name (code-point order, whatever the locale): standalone hooks by id, bundles by
 * bundle id and, inside a bundle, by hook id.
 */
export function discoverExtensions(dir: string): ExtensionEntry[] {
  const entries: ExtensionEntry[] = hooksIn(join(dir, 'hooks')).map(({ id, path }) => ({
    id,
    owner: `hooks/${id}`,
    plugin: id,
    path,
  }));
  const bundles = join(dir, 'bundles');
  for (const bundle of listDir(bundles)) {
    if (!statSync(join(bundles, bundle)).isDirectory()) continue;
    for (const { id, path } of hooksIn(join(bundles, bundle, 'hooks'))) {
      entries.push({ id: `${bundle}/${id}`, owner: `bundles/${bundle}/${id}`, plugin: bundle, path });
    }
  }
  return entries;
}

/** Directus' endpoint extensions, `<dir>/endpoints/<id>/index.*`, by id; each is mounted at `/<id>`. */
export function discoverEndpoints(dir: string): ExtensionEntry[] {
  return hooksIn(join(dir, 'endpoints')).map(({ id, path }) => ({
    id,
    owner: `endpoints/${id}`,
    plugin: id,
    path,
    endpoint: true,
  }));
}

/**
 * Which extensions a changed path belongs to: the hook it is in, or every hook of a bundle
 * when it is a bundle's shared file; none for a path outside both.
 */
export function ownersOfPath(dir: string, path: string, entries: readonly ExtensionEntry[]): string[] {
  const parts = relative(dir, path).split(sep);
  const stem = (name: string | undefined) =>
    name && isHookFile(name) ? name.slice(0, -extname(name).length) : name;
  if (parts[0] === 'hooks' && parts[1]) return [`hooks/${stem(parts[1])}`];
  if (parts[0] === 'bundles' && parts[1]) {
    if (parts[2] === 'hooks' && parts[3]) return [`bundles/${parts[1]}/${stem(parts[3])}`];
    const prefix = `bundles/${parts[1]}/`;
    return entries.filter((entry) => entry.owner.startsWith(prefix)).map((entry) => entry.owner);
  }
  return [];
}
