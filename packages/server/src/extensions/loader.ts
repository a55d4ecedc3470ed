import { readFile } from 'node:fs/promises';
import { type Catalogue, exceptions, type Hooks, type Logger } from '@sluice/hooks';
import type { CustomRoute, CustomRoutes } from './custom-routes.ts';
import { discoverEndpoints, discoverExtensions, type ExtensionEntry } from './discover.ts';
import { endpointRoutes } from './endpoints.ts';
import { hookModuleOf, registerHookModule } from './forms.ts';
import { pluginEventSender, toPluginEvent } from './plugin-events.ts';
import type {
  ExtensionContext,
  PluginEventSender,
  ServerContext,
  VocabularyContext,
  VocabularyName,
} from './types.ts';

export interface LoadOptions {
  /** The extensions folder: `<dir>/hooks/…` and `<dir>/bundles/…`. */
  dir: string;
  hooks: Hooks<any, any>;
  /** Defaults to the engine's catalogue. */
  catalogue?: Catalogue;
  /** What hook files receive as their context; `exceptions`, `env` and `events` are filled in. */
  context: ServerContext & Partial<Pick<ExtensionContext, 'env' | 'logger' | 'exceptions'>>;
  logger: Logger;
  /** Throw on the first file that fails to load. Default: `SLUICE_EXTENSIONS_MUST_LOAD=true`. */
  mustLoad?: boolean;
  /** Where dispatched custom events go. Default: the `plugin.event` action. */
  sendEvent?: PluginEventSender;
  /** Where the extensions' own routes go (PocketBase's `routerAdd`, Directus endpoints), by owner. */
  routes?: CustomRoutes;
  /**
   * Hot reload: the owner's current hooks stay registered while the file is evaluated and are
   * swapped for the new ones in the same turn, so no operation runs without either.
   */
  replace?: boolean;
}

export interface LoadedExtension {
  id: string;
  owner: string;
  path: string;
  /** The form the file was read in; absent when it failed before that was known. */
  vocabulary?: VocabularyName;
  error?: Error;
}

export class ExtensionLoadError extends Error {
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(`The extension ${path} failed to load: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = 'ExtensionLoadError';
  }
}

function childLogger(logger: Logger, owner: string): Logger {
  const withChild = logger as Logger & { child?: (bindings: object) => Logger };
  return typeof withChild.child === 'function' ? withChild.child({ extension: owner }) : logger;
}

/**
 * Loads one hook file and registers its hooks under its owner (an endpoint: its routes). A failure unregisters whatever
 * the owner has registered (with `replace`, its previous hooks too), is logged with the path,
 * and is returned as `error` (thrown as `ExtensionLoadError` when `mustLoad`).
 */
export async function loadExtension(entry: ExtensionEntry, options: LoadOptions): Promise<LoadedExtension> {
  const { hooks, logger } = options;
  const catalogue = options.catalogue ?? hooks.catalogue;
  if (!catalogue) throw new TypeError('loadExtension needs a catalogue (on the engine or in the options).');
  const sendEvent = options.sendEvent ?? pluginEventSender(hooks);
  const extensionLogger = childLogger(options.context?.logger ?? logger, entry.owner);
  const dispatch: ExtensionContext['events']['dispatch'] = (input, ctx) => {
    const event = toPluginEvent(input, entry.plugin);
    sendEvent(event, ctx);
    return event;
  };
  const context: ExtensionContext = {
    env: process.env,
    exceptions,
    ...options.context,
    logger: extensionLogger,
    events: { dispatch },
  };
  const routes: CustomRoute[] = [];
  const vocabularyContext: VocabularyContext = {
    hooks,
    catalogue,
    owner: entry.owner,
    logger: extensionLogger,
    dispatch,
    routes,
  };
  const loaded: LoadedExtension = { id: entry.id, owner: entry.owner, path: entry.path };
  try {
    const namespace = await evaluate(entry.path);
    if (entry.endpoint) {
      routes.push(...(await endpointRoutes(hookModuleOf(namespace).exported, entry.id, context)));
      loaded.vocabulary = 'directus';
    } else {
      // Nothing is awaited between removing the old hooks and calling the new register function.
      if (options.replace) hooks.unregisterOwner(entry.owner);
      loaded.vocabulary = await registerHookModule(hookModuleOf(namespace), vocabularyContext, context);
    }
    options.routes?.set(entry.owner, routes);
    logger.debug(
      { extension: entry.owner, path: entry.path, vocabulary: loaded.vocabulary },
      'Extension loaded.',
    );
  } catch (cause) {
    hooks.unregisterOwner(entry.owner);
    options.routes?.delete(entry.owner);
    const error = cause instanceof Error ? cause : new Error(String(cause));
    logger.error(
      { extension: entry.owner, path: entry.path, err: error },
      `The extension ${entry.path} failed to load.`,
    );
    if (options.mustLoad ?? mustLoadFromEnv(options)) throw new ExtensionLoadError(entry.path, cause);
    loaded.error = error;
  }
  return loaded;
}

/**
 * Evaluates a hook file afresh on every call, whatever its module system: jiti would hand plain
 * JavaScript to Node's own loader, whose cache a reload could not get past, so the file is
 * always transpiled. TypeScript it imports is evaluated afresh too (no module cache).
 */
async function evaluate(path: string): Promise<unknown> {
  // loaded with the first extension: a server without any does not hold the TypeScript compiler
  const { createJiti } = await import('jiti');
  const jiti = createJiti(import.meta.url, { moduleCache: false });
  const source = await readFile(path, 'utf8');
  return await jiti.evalModule(source, { filename: path, id: path, async: true, forceTranspile: true });
}

function mustLoadFromEnv(options: LoadOptions): boolean {
  const env = options.context?.env ?? process.env;
  return env.SLUICE_EXTENSIONS_MUST_LOAD === 'true';
}

/**
 * Loads every hook file of an extensions folder, one after another in the fixed order of
 * `discoverExtensions` (hooks/ before bundles/, then by name), then the endpoints. A file that
 * fails is reported and the others still load, unless `mustLoad`.
 */
export async function loadExtensions(options: LoadOptions): Promise<LoadedExtension[]> {
  const loaded: LoadedExtension[] = [];
  for (const entry of [...discoverExtensions(options.dir), ...discoverEndpoints(options.dir)])
    loaded.push(await loadExtension(entry, options));
  return loaded;
}
