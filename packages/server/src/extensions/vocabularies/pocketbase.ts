import { AsyncLocalStorage } from 'node:async_hooks';
import {
  type AliasTarget,
  type Catalogue,
  type HookKind,
  OperationSkipped,
  type SkippedResponse,
  type Unregister,
} from '@sluice/hooks';
import type { HandlerContext, VocabularyContext } from '../types.ts';
import { type EventAdapter, eventAdapter, type PocketBaseEvent } from './pocketbase-events.ts';
import { POCKETBASE_NEXT } from './pocketbase-next.ts';
import { responseWriters } from './pocketbase-response.ts';
import { trackWrites } from './pocketbase-writes.ts';
import { combineTags, isThenable, type ResolvedEvent, resolveOrThrow, unregisterAll } from './resolve.ts';

export type PocketBaseHandler = (e: PocketBaseEvent) => unknown;

/** `onRecordBeforeCreateRequest(handler, 'users', 'members')`: trailing arguments are tags. */
export type PocketBaseHook = (handler: PocketBaseHandler, ...tags: string[]) => Unregister;

/** Every `on…` function the catalogue knows, by name. */
export type PocketBaseHooks = Record<string, PocketBaseHook>;

/**
 * The context of the handler running now, so `$app.dao()` called from it joins its transaction
 * (a write outside it would wait for the lock the operation holds, on SQLite).
 */
export const runningHandler = new AsyncLocalStorage<{ database?: unknown }>();

/** Names of all `on…` hooks: the catalogue's, in catalogue order, then PocketBase ≥ 0.23's. */
export function pocketbaseHookNames(catalogue: Catalogue): string[] {
  const names = new Set<string>();
  for (const row of catalogue.rows()) {
    for (const alias of row.aliases?.pocketbase ?? [])
      names.add(typeof alias === 'string' ? alias : alias.name);
  }
  for (const name of Object.keys(POCKETBASE_NEXT)) names.add(name);
  return [...names];
}

/** `e.next()` where the chain needs no call: PocketBase ≥ 0.23 handlers call it anyway. */
const proceed = () => Promise.resolve();

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

/** `e.app` (PocketBase's app: `$app` in a hook file) and anything else every `e` carries. */
export interface PocketBaseExtras {
  app?: unknown;
}

export function pocketbase(context: VocabularyContext, extras: PocketBaseExtras = {}): PocketBaseHooks {
  const { hooks, catalogue, owner } = context;
  const call = (
    handler: PocketBaseHandler,
    e: PocketBaseEvent,
    ctx: HandlerContext | undefined,
    running = { database: ctx?.database },
  ) => {
    // PocketBase's `e.app` is the hook file's `$app` (the server's app object stays `e.server`)
    if (extras.app !== undefined) {
      if (e.app !== undefined && e.app !== extras.app) e.server ??= e.app;
      e.app = extras.app;
    }
    e.next ??= proceed;
    return runningHandler.run(running, trackWrites, () => handler(e));
  };

  /** PocketBase ≥ 0.23: the older `Before` hook's filters as around handlers. */
  const around = (
    resolved: ResolvedEvent,
    adapter: EventAdapter,
    handler: PocketBaseHandler,
    tags: readonly string[] | undefined,
  ) =>
    hooks.around(
      resolved.event,
      (
        payload: unknown,
        meta: unknown,
        ctx: HandlerContext | undefined,
        next: (payload?: unknown) => Promise<unknown>,
      ) => {
        const e = adapter.filterEvent(payload, meta, ctx);
        const running = { database: ctx?.database };
        let going: Promise<void> | undefined;
        let response: SkippedResponse | undefined;
        Object.assign(
          e,
          responseWriters((written) => {
            response ??= written;
          }),
        );
        // without e.next() the operation does not take place; what the handler wrote answers
        const unlessSkipped = () => {
          if (!going && response) throw new OperationSkipped(response);
        };
        const goOn = async () => {
          const committed = await next(adapter.readPayload(e, payload, meta));
          // the transaction is over: what the handler writes now runs on its own
          running.database = undefined;
          // the committed record (its id, its stored values) replaces the one before the write
          if (committed !== null && typeof committed === 'object' && committed !== payload)
            Object.assign(e, adapter.actionEvent(committed, ctx), { next: e.next });
        };
        e.next = () => {
          if (!going) {
            going = goOn();
            // PocketBase's handlers call e.next() without awaiting it: a failed write is no crash
            going.catch(() => {});
          }
          return going;
        };
        const result = call(handler, e, ctx, running);
        if (!isThenable(result)) {
          unlessSkipped();
          return result;
        }
        return Promise.resolve(result).then((value) => {
          unlessSkipped();
          return value;
        });
      },
      { tags, owner },
    );

  const register = (written: string, handler: PocketBaseHandler, wanted: string[]): Unregister => {
    if (typeof handler !== 'function') throw new TypeError(`The handler of ${written} must be a function.`);
    const renamed = POCKETBASE_NEXT[written];
    const name = renamed?.name ?? written;
    const unregisters: Unregister[] = [];
    for (const kind of kindsOf(catalogue, name)) {
      if (renamed?.mode === 'action' && kind !== 'action') continue;
      if (renamed?.mode === 'around' && kind !== 'filter') continue;
      for (const resolved of resolveOrThrow(catalogue, ['pocketbase'], name, kind, kindOf, written)) {
        const tags = combineTags(resolved.tags, wanted);
        if (tags === null) continue;
        const adapter = eventAdapter(resolved.event, resolved.alias);
        const options = { tags, owner };
        if (renamed?.mode === 'around') {
          unregisters.push(around(resolved, adapter, handler, tags));
        } else if (kind === 'filter') {
          unregisters.push(
            hooks.filter(
              resolved.event,
              (payload: unknown, meta: unknown, ctx: HandlerContext | undefined) => {
                const e = adapter.filterEvent(payload, meta, ctx);
                const result = call(handler, e, ctx);
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
              (meta: unknown, ctx: HandlerContext | undefined) =>
                call(handler, adapter.actionEvent(meta, ctx), ctx),
              options,
            ),
          );
        } else {
          unregisters.push(
            hooks.init(
              resolved.event,
              (meta: unknown) => call(handler, adapter.actionEvent(meta, undefined), undefined),
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
