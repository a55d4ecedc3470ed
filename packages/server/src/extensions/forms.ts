import type { HookRegister } from './define.ts';
import { didYouMean, explainUnknownName } from './suggest.ts';
import type { ExtensionContext, VocabularyContext, VocabularyName } from './types.ts';
import { directus } from './vocabularies/directus.ts';
import { directusLegacy, type LegacyHooks } from './vocabularies/directus-legacy.ts';
import { type KuzzleApp, kuzzle } from './vocabularies/kuzzle.ts';
import { pocketbaseHookNames } from './vocabularies/pocketbase.ts';
import { pocketbaseGlobals } from './vocabularies/pocketbase-globals.ts';
import { qelos } from './vocabularies/qelos.ts';

export const VOCABULARIES: readonly VocabularyName[] = [
  'canonical',
  'directus',
  'directus-legacy',
  'pocketbase',
  'kuzzle',
  'qelos',
];

/** The parts of a loaded module that decide its form. */
export interface HookModule {
  exported: unknown;
  /** The module's `export const vocabulary = '…'`, if any. */
  vocabulary: unknown;
}

export function hookModuleOf(namespace: any): HookModule {
  const exported = namespace?.default ?? namespace;
  return { exported, vocabulary: namespace?.vocabulary ?? exported?.vocabulary };
}

const isHookObject = (value: unknown): value is LegacyHooks =>
  value !== null &&
  typeof value === 'object' &&
  !Array.isArray(value) &&
  Object.keys(value).length > 0 &&
  Object.values(value).every((handler) => typeof handler === 'function');

/**
 * Registers a hook file's export in its form; returns the vocabulary it was read in.
 *
 * - `export const vocabulary = 'pocketbase' | 'kuzzle' | 'qelos'` calls the default export with
 *   that platform's surface: the `on…` functions, `routerAdd` and `$app` (the context), Kuzzle's `app`, or
 *   `{ registerToHook, getSdk }` and the context.
 * - Otherwise (`'canonical'`, `'directus'`, `'directus-legacy'` or no marker) the function is
 *   called as `(register, context)`, `register` holding `filter`/`action`/`init`/`schedule` and
 *   the context's properties. If it returns an object whose values are all functions, that
 *   object is Directus' older form: keys `<context>.<action>.<collection>[.before]`. A default
 *   export that is such an object is read the same way.
 */
export async function registerHookModule(
  module: HookModule,
  vocabularyContext: VocabularyContext,
  context: ExtensionContext,
): Promise<VocabularyName> {
  const { exported } = module;
  const marker = module.vocabulary ?? 'directus';
  if (typeof marker !== 'string' || !(VOCABULARIES as readonly string[]).includes(marker)) {
    throw new TypeError(
      `Unknown vocabulary ${JSON.stringify(marker)}.${typeof marker === 'string' ? didYouMean(marker, VOCABULARIES) : ''} Use one of ${VOCABULARIES.join(', ')}.`,
    );
  }
  if (isHookObject(exported)) {
    directusLegacy(vocabularyContext).register(exported);
    return 'directus-legacy';
  }
  if (typeof exported !== 'function') {
    throw new TypeError(
      'A hook file must export a function (or an object of event handlers) as its default.',
    );
  }
  switch (marker) {
    case 'pocketbase':
      {
        const globals = pocketbaseGlobals(vocabularyContext, context);
        try {
          await exported(globals);
        } catch (error) {
          throw explainUnknownName(error, Object.keys(globals));
        }
      }
      return 'pocketbase';
    case 'kuzzle':
      await exported(kuzzle(vocabularyContext));
      return 'kuzzle';
    case 'qelos':
      await exported({ ...qelos(vocabularyContext), ...context });
      return 'qelos';
    default: {
      const register: HookRegister = { ...context, ...directus(vocabularyContext) };
      // Kuzzle's `(app) => { app.pipe.register(…) }` needs no marker either
      let kuzzleApp: KuzzleApp | undefined;
      const app = () => {
        kuzzleApp ??= kuzzle(vocabularyContext);
        return kuzzleApp;
      };
      Object.defineProperties(register, {
        pipe: { get: () => app().pipe },
        hook: { get: () => app().hook },
        kerror: { get: () => app().kerror },
        log: { get: () => app().log },
      });
      let returned: unknown;
      try {
        returned = await exported(register, context);
      } catch (error) {
        throw module.vocabulary === undefined ? withMarkerHint(error, vocabularyContext) : error;
      }
      if (kuzzleApp) return 'kuzzle';
      if (isHookObject(returned)) {
        directusLegacy(vocabularyContext).register(returned);
        return 'directus-legacy';
      }
      if (marker === 'directus-legacy') {
        throw new TypeError('A directus-legacy hook must return an object of event handlers.');
      }
      return marker as VocabularyName;
    }
  }
}

/** The functions only one platform's form has, and the marker that gives a file that form. */
const MARKED_NAMES: [RegExp, VocabularyName][] = [
  [/^(on[A-Z]\w*|routerAdd|routerUse|cronAdd|cronRemove)$/, 'pocketbase'],
  [/^(registerToHook|getSdk)$/, 'qelos'],
];

/**
 * A file without a marker that calls another platform's function (`onRecordBeforeCreateRequest
 * is not a function`) is told which marker to add.
 */
function withMarkerHint(error: unknown, vocabularyContext: VocabularyContext): unknown {
  if (!(error instanceof TypeError)) return error;
  const name = error.message.match(/^(?:\w+\.)*(\$?\w+) is not a function$/)?.[1];
  if (!name) return error;
  const vocabulary = MARKED_NAMES.find(([pattern]) => pattern.test(name))?.[1];
  if (!vocabulary) return error;
  const known = vocabulary === 'pocketbase' ? pocketbaseHookNames(vocabularyContext.catalogue) : [];
  const hint = name.startsWith('on') && !known.includes(name) ? didYouMean(name, known) : '';
  error.message = `${error.message}: ${name} belongs to the ${vocabulary} form; add \`export const vocabulary = '${vocabulary}'\` to the file.${hint}`;
  return error;
}
