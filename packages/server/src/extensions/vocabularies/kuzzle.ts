import { type HookKind, kerror, type Logger, type Unregister } from '@sluice/hooks';
import type { HandlerContext, VocabularyContext } from '../types.ts';
import {
  fromDocuments,
  type KuzzleDocument,
  type KuzzleRequest,
  kuzzleRequest,
  toDocument,
  toDocuments,
} from './kuzzle-request.ts';
import { isThenable, resolveOrThrow, unregisterAll } from './resolve.ts';

export type { KuzzleDocument, KuzzleRequest };

export type PipeHandler = (payload: any, request?: KuzzleRequest) => unknown;
export type KuzzleHookHandler = (...args: any[]) => unknown;

/** The `app` (Kuzzle's `Backend`) a Kuzzle-style extension receives. */
export interface KuzzleApp {
  pipe: { register(event: string, handler: PipeHandler): Unregister };
  hook: { register(event: string, handler: KuzzleHookHandler): Unregister };
  kerror: typeof kerror;
  log: {
    debug(message: unknown): void;
    info(message: unknown): void;
    warn(message: unknown): void;
    error(message: unknown): void;
  };
}

const ON_ERROR = 'hook:onError';
const GENERIC_DOCUMENT = 'generic:document:';

/**
 * The Kuzzle event a failed hook was attached to, by error: `hook.error` names the canonical
 * event, while Kuzzle's `hook:onError` handlers expect the name they registered.
 */
const failedEvents = new WeakMap<object, string>();

function remember(error: unknown, event: string): void {
  if (error !== null && typeof error === 'object' && !failedEvents.has(error)) failedEvents.set(error, event);
}

/** `logger` already names the extension on every line (see `loadExtension`). */
function kuzzleLog(logger: Logger): KuzzleApp['log'] {
  const at =
    (level: keyof Logger) =>
    (message: unknown): void =>
      logger[level]({}, String(message));
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A pipe: awaited, gets the payload (or documents and request) and must return it. */
function pipeHandler(event: string, handler: PipeHandler) {
  if (event.startsWith(GENERIC_DOCUMENT)) {
    return (payload: unknown, meta: any, ctx: HandlerContext | undefined): unknown => {
      const documents = toDocuments(payload, meta ?? {});
      const settle = (returned: unknown) =>
        fromDocuments(
          Array.isArray(returned) ? (returned as KuzzleDocument[]) : documents,
          payload,
          meta ?? {},
        );
      const result = handler(documents, kuzzleRequest(payload, undefined, meta ?? {}, ctx));
      return isThenable(result) ? Promise.resolve(result).then(settle) : settle(result);
    };
  }
  // `…:after…` events carry the answer as `request.result`; the others the input as `request.input.body`.
  const after = /:after[A-Z]/.test(event);
  return (payload: unknown, meta: any, ctx: HandlerContext | undefined): unknown => {
    const request = kuzzleRequest(after ? undefined : payload, after ? payload : undefined, meta ?? {}, ctx);
    const settle = (returned: unknown) => {
      const settled = (returned ?? request) as KuzzleRequest;
      return after ? settled.result : settled.input.body;
    };
    const result = handler(request);
    return isThenable(result) ? Promise.resolve(result).then(settle) : settle(result);
  };
}

/** A hook: not awaited by the operation; its failure reaches `hook:onError` handlers. */
function hookHandler(event: string, handler: KuzzleHookHandler) {
  const call = event.startsWith(GENERIC_DOCUMENT)
    ? (meta: any, ctx: HandlerContext | undefined) =>
        handler([toDocument(meta?.record)], kuzzleRequest(meta?.payload, meta?.record, meta ?? {}, ctx))
    : (meta: any, ctx: HandlerContext | undefined) =>
        handler(kuzzleRequest(meta?.payload, meta?.record ?? meta, meta ?? {}, ctx));
  return (meta: unknown, ctx: HandlerContext | undefined): unknown => {
    try {
      const result = call(meta, ctx);
      if (!isThenable(result)) return result;
      return Promise.resolve(result).catch((error: unknown) => {
        remember(error, event);
        throw error;
      });
    } catch (error) {
      remember(error, event);
      throw error;
    }
  };
}

/** `hook:onError` handlers get `(pluginName, event, error)`. */
function onErrorHandler(handler: KuzzleHookHandler) {
  return (meta: any): unknown =>
    handler(meta?.extension, failedEvents.get(meta?.error) ?? meta?.event, meta?.error);
}

export function kuzzle(context: VocabularyContext): KuzzleApp {
  const { hooks, catalogue, owner, logger } = context;
  const register =
    (kind: HookKind) =>
    (event: string, handler: Function): Unregister => {
      if (typeof handler !== 'function') throw new TypeError(`The handler of "${event}" must be a function.`);
      const unregisters = resolveOrThrow(catalogue, ['kuzzle', 'canonical'], event, kind).map((resolved) => {
        const options = { tags: resolved.tags, owner };
        if (kind === 'filter')
          return hooks.filter(resolved.event, pipeHandler(event, handler as PipeHandler), options);
        const adapted =
          event === ON_ERROR
            ? onErrorHandler(handler as KuzzleHookHandler)
            : hookHandler(event, handler as KuzzleHookHandler);
        return hooks.action(resolved.event, adapted, options);
      });
      return unregisterAll(unregisters);
    };
  return {
    pipe: { register: register('filter') },
    hook: { register: register('action') },
    kerror,
    log: kuzzleLog(logger),
  };
}
