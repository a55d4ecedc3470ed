import type { ExtensionContext } from './types.ts';
import type { DirectusRegister } from './vocabularies/directus.ts';

/**
 * The first argument of a hook file's function: the register functions, and the context's
 * properties as well, so Directus' older `registerHook({ services, exceptions })` finds them.
 */
export type HookRegister = DirectusRegister & ExtensionContext;

export type HookConfig = (register: HookRegister, context: ExtensionContext) => unknown;

/**
 * Types a hook file's function; returns it unchanged.
 *
 *     export default defineHook(({ filter, action, init, schedule }, { exceptions }) => { … });
 */
export function defineHook<Config extends HookConfig>(config: Config): Config {
  return config;
}
