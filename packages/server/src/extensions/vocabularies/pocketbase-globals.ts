import type { ExtensionContext, VocabularyContext } from '../types.ts';
import { pocketbase } from './pocketbase.ts';
import {
  pocketbaseCron,
  pocketbaseDao,
  pocketbaseErrors,
  pocketbaseHelpers,
  RecordClass,
} from './pocketbase-app.ts';
import {
  type Middleware,
  pocketbaseApis,
  pocketbaseRouter,
  type RouteHandler,
  sharedMiddlewares,
} from './pocketbase-router.ts';

/**
 * Everything a PocketBase hook file calls: the `on…` hooks (older and ≥ 0.23 names),
 * `routerAdd`/`routerUse`, `cronAdd`/`cronRemove`, `$app` (the extension context with `dao()`,
 * the dao's methods and `settings()`), `$apis`, `$http`, `$os`, `$security`, `Record` and the error classes.
 */
export function pocketbaseGlobals(vocabularyContext: VocabularyContext, context: ExtensionContext) {
  const { hooks, owner } = vocabularyContext;
  const dao = pocketbaseDao(context);
  const $app = {
    ...context,
    dao: () => dao,
    // PocketBase ≥ 0.23 has the dao's methods on the app itself, `save` and `delete` for the writes
    ...dao,
    save: dao.saveRecord,
    delete: dao.deleteRecord,
    /** The current settings (a promise). */
    settings: () => context.services.settings.current(),
  };
  const router = pocketbaseRouter(vocabularyContext.routes ?? [], sharedMiddlewares(hooks, owner));
  /** PocketBase ≥ 0.23's `onServe((e) => { e.router.get(path, handler); e.next() })`: before the extensions' routes are served. */
  const onServe = (handler: (e: object) => unknown) =>
    hooks.init(
      'routes.custom.before',
      (meta: { app: unknown }) =>
        handler({
          app: $app,
          server: meta.app,
          router: Object.fromEntries(
            ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((method) => [
              method.toLowerCase(),
              (path: string, route: RouteHandler, ...middlewares: Middleware[]) =>
                router.routerAdd(method, path, route, ...middlewares),
            ]),
          ),
          next: () => Promise.resolve(),
        }),
      { owner },
    );
  return {
    ...pocketbase(vocabularyContext, { app: $app }),
    ...router,
    onServe,
    ...pocketbaseCron(hooks, owner),
    ...pocketbaseHelpers,
    ...pocketbaseErrors,
    $app,
    $os: { getenv: (name: string) => context.env[name] ?? '' },
    $apis: pocketbaseApis,
    Record: RecordClass,
  };
}
