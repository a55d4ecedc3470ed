import { fileURLToPath } from 'node:url';
import * as hooksModule from '@sluice/hooks';
import { defineEndpoint } from './define-endpoint.ts';
import * as extensionsModule from './index.ts';

/** Where the shims in `shims/` find the modules (a global: jiti evaluates them outside this module graph). */
const OWN_MODULES = Symbol.for('sluice.own-modules');

// from the sources, whether this module runs from them or compiled into dist/ (no copy to keep)
const shim = (file: string) =>
  fileURLToPath(new URL(`../../src/extensions/shims/${file}.cjs`, import.meta.url));

/**
 * The module names extension files may import wherever their folder lives, as jiti aliases: each
 * resolves to a shim handing out the running server's own module, so `instanceof` on its error
 * classes holds and `defineHook` is the server's own.
 */
export const OWN_MODULE_ALIASES: Record<string, string> = {
  'sluice/extensions': shim('sluice-extensions'),
  '@sluice/hooks': shim('sluice-hooks'),
  '@directus/extensions-sdk': shim('directus-extensions-sdk'),
  sluice: shim('sluice'),
};

/** Makes the running server's modules importable from extension files; `root` is what `sluice` exports. */
export function shareOwnModules(root: object): void {
  // marked as transpiled ES modules, so that imports take their exports as they are
  const module = (exports: object) => ({ __esModule: true, ...exports });
  (globalThis as Record<symbol, unknown>)[OWN_MODULES] = {
    sluice: module(root),
    'sluice/extensions': module(extensionsModule),
    '@sluice/hooks': module(hooksModule),
    '@directus/extensions-sdk': module({ defineHook: extensionsModule.defineHook, defineEndpoint }),
  };
}
