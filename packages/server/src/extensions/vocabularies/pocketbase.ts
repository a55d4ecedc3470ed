import type { AliasTarget, Catalogue, HookKind, Unregister } from '@sluice/hooks';
import type { HandlerContext, VocabularyContext } from '../types.ts';
import { eventAdapter, type PocketBaseEvent } from './pocketbase-events.ts';
import { combineTags, isThenable, resolveOrThrow, unregisterAll } from './resolve.ts';

export type PocketBaseHandler = (e: PocketBaseEvent) => unknown;

/** `onRecordBeforeCreateRequest(handler, 'users', 'members')`: trailing arguments are tags. */
export type PocketBaseHook = (handler: PocketBaseHandler, ...tags: string[]) => Unregister;

/** Every `on…` function the catalogue knows, by name. */
export type PocketBaseHooks = Record<string, PocketBaseHook>;

/** Names of all `on…` hooks in the catalogue, in catalogue order. */
export function pocketbaseHookNames(catalogue: Catalogue): string[] {
  const names = new Set<string>();
  for (const row of catalogue.rows()) {
    for (const alias of row.aliases?.pocketbase ?? [])
      names.add(typeof alias === 'string' ? alias : alias.name);
  }
  return [...names];
}

/** An alias without a kind of its own: Before → filter, After → action, otherwise the row's only kind. */
function kindOf(target: AliasTarget): HookKind {
  if (target.kind) return target.kind;
  if (target.row.kinds.length === 1) return target.row.kinds[0]!;
  if (/After[A-Z]/.test(target.alias)) return 'action';
  return target.row.kinds.includes('filter') ? 'filter' : target.row.kinds[0]!;
}

function kindsOf(catalogue: Catalogue, name: string): HookKind[] {
  return [...new Set(catalogue.resolveAlias('pocketbase', name).map(kindOf))];
}

export function pocketbase(context: VocabularyContext): PocketBaseHooks {
  const { hooks, catalogue, owner } = context;

  const register = (name: string, handler: PocketBaseHandler, wanted: string[]): Unregister => {
    if (typeof handler !== 'function') throw new TypeError(`The handler of ${name} must be a function.`);
    const unregisters: Unregister[] = [];
    for (const kind of kindsOf(catalogue, name)) {
      for (const resolved of resolveOrThrow(catalogue, ['pocketbase'], name, kind, kindOf)) {
        const tags = combineTags(resolved.tags, wanted);
        if (tags === null) continue;
        const adapter = eventAdapter(resolved.event, resolved.alias);
        const options = { tags, owner };
        if (kind === 'filter') {
          unregisters.push(
            hooks.filter(
              resolved.event,
              (payload: unknown, meta: unknown, ctx: HandlerContext | undefined) => {
                const e = adapter.filterEvent(payload, meta, ctx);
                const result = handler(e);
                if (result === false) return false;
                if (!isThenable(result)) return adapter.readPayload(e, payload, meta);
                return Promise.resolve(result).then((settled) =>
                  settled === false ? false : adapter.readPayload(e, payload, meta),
                );
              },
              options,
            ),
          );
        } else if (kind === 'action') {
          unregisters.push(
            hooks.action(
              resolved.event,
              (meta: unknown, ctx: HandlerContext | undefined) => handler(adapter.actionEvent(meta, ctx)),
              options,
            ),
          );
        } else {
          unregisters.push(
            hooks.init(
              resolved.event,
              (meta: unknown) => handler(adapter.actionEvent(meta, undefined)),
              options,
            ),
          );
        }
      }
    }
    return unregisterAll(unregisters);
  };

  const functions: PocketBaseHooks = {};
  for (const name of pocketbaseHookNames(catalogue)) {
    functions[name] = (handler, ...tags) => register(name, handler, tags);
  }
  return functions;
}
