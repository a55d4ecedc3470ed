import type { ExtensionContext, VocabularyContext } from '../types.ts';
import { pocketbase } from './pocketbase.ts';
import {
  pocketbaseCron,
  pocketbaseDao,
  pocketbaseErrors,
  pocketbaseHelpers,
  RecordClass,
} from './pocketbase-app.ts';
import { pocketbaseApis, pocketbaseRouter, sharedMiddlewares } from './pocketbase-router.ts';

/**
 * Everything a PocketBase hook file calls: the `on…` hooks (older and ≥ 0.23 names),
 * `routerAdd`/`routerUse`, `cronAdd`/`cronRemove`, `$app` (the extension context with `dao()`
 * and `settings()`), `$apis`, `$http`, `$os`, `$security`, `Record` and the error classes.
 */
export function pocketbaseGlobals(vocabularyContext: VocabularyContext, context: ExtensionContext) {
  const { hooks, owner } = vocabularyContext;
  const dao = pocketbaseDao(context);
  const $app = {
    ...context,
    dao: () => dao,
    /** The current settings (a promise). */
    settings: () => context.services.settings.current(),
  };
  return {
    ...pocketbase(vocabularyContext, { app: $app }),
    ...pocketbaseRouter(vocabularyContext.routes ?? [], sharedMiddlewares(hooks, owner)),
    ...pocketbaseCron(hooks, owner),
    ...pocketbaseHelpers,
    ...pocketbaseErrors,
    $app,
    $os: { getenv: (name: string) => context.env[name] ?? '' },
    $apis: pocketbaseApis,
    Record: RecordClass,
  };
}
