import { existsSync } from 'node:fs';
import type * as Chokidar from 'chokidar';
import { lazyModule } from '../lazy-module.ts';
import { discoverExtensions, type ExtensionEntry, ownersOfPath } from './discover.ts';
import { type LoadedExtension, type LoadOptions, loadExtension } from './loader.ts';
import { discoverPbHooks, pbHooksOwnersOfPath } from './pb-hooks.ts';

/** Loaded with `--dev` only. */
const chokidar = lazyModule<typeof Chokidar>('chokidar');

export interface WatchOptions extends LoadOptions {
  /** Quiet time after the last change before reloading. Default 50 ms. */
  debounceMs?: number;
  /** Told what each reload did (tests, dev tooling). */
  onReload?: (reloaded: LoadedExtension[], removed: string[]) => void;
}

export interface ExtensionWatcher {
  close(): Promise<void>;
}

/**
 * Hot reload: when a file of an extension changes, the file is loaded again and that extension's
 * hooks are swapped for the new ones at once (the old ones run until then, never neither); when
 * it is removed, they are only unregistered. A failed reload is logged and leaves that extension
 * unloaded and every other one running. A reloaded extension's hooks are registered anew, so they
 * run after the others of equal priority until a restart.
 */
export async function watchExtensions(options: WatchOptions): Promise<ExtensionWatcher> {
  const debounceMs = options.debounceMs ?? 50;
  const discover = () =>
    new Map(
      [...(options.dir ? discoverExtensions(options.dir) : []), ...discoverPbHooks(options.pbHooksDir)].map(
        (entry) => [entry.owner, entry],
      ),
    );
  let entries = discover();
  let changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let reloading: Promise<void> = Promise.resolve();

  const reload = async (paths: Set<string>): Promise<void> => {
    const previous = entries;
    const current = discover();
    entries = current;
    const known: ExtensionEntry[] = [...previous.values(), ...current.values()];
    const owners = new Set<string>();
    for (const path of paths) {
      if (options.dir) for (const owner of ownersOfPath(options.dir, path, known)) owners.add(owner);
      for (const owner of pbHooksOwnersOfPath(options.pbHooksDir, path, known)) owners.add(owner);
    }
    for (const owner of current.keys()) if (!previous.has(owner)) owners.add(owner);
    for (const owner of previous.keys()) if (!current.has(owner)) owners.add(owner);

    const reloaded: LoadedExtension[] = [];
    const removed: string[] = [];
    for (const owner of [...owners].sort()) {
      const entry = current.get(owner);
      if (!entry) {
        options.hooks.unregisterOwner(owner);
        if (previous.has(owner)) {
          removed.push(owner);
          options.logger.info({ extension: owner }, 'Extension removed; its hooks are unregistered.');
        }
        continue;
      }
      // The old hooks keep running until the new file has been evaluated, then are swapped out.
      const result = await loadExtension(entry, { ...options, mustLoad: false, replace: true });
      if (!result.error) options.logger.info({ extension: owner }, 'Extension reloaded.');
      reloaded.push(result);
    }
    options.onReload?.(reloaded, removed);
  };

  const flush = () => {
    timer = undefined;
    const paths = changed;
    changed = new Set();
    reloading = reloading.then(() =>
      reload(paths).catch((error: unknown) =>
        options.logger.error({ err: error, dir: options.dir }, 'Reloading extensions failed.'),
      ),
    );
  };

  const folders = [options.dir, options.pbHooksDir].filter(
    (dir): dir is string => dir !== undefined && existsSync(dir),
  );
  const watcher = chokidar().watch(folders, {
    ignoreInitial: true,
    ignored: (path) => /[\\/](node_modules|\.git)([\\/]|$)/.test(path),
  });
  watcher.on('all', (_event, path) => {
    changed.add(path);
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, debounceMs);
  });
  await new Promise<void>((resolve, reject) => {
    watcher.once('ready', resolve);
    watcher.once('error', reject);
  });
  watcher.on('error', (error) =>
    options.logger.error({ err: error, dir: options.dir }, 'Watching extensions failed.'),
  );

  return {
    async close() {
      if (timer) clearTimeout(timer);
      await watcher.close();
      await reloading;
    },
  };
}
