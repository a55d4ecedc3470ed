import { type Catalogue, type HookKind, UnknownEventError, type Unregister } from '@sluice/hooks';
import type { HandlerAccountability, HandlerContext, VocabularyContext } from '../types.ts';
import { combineTags, isThenable, type ResolvedEvent, resolveOrThrow, unregisterAll } from './resolve.ts';

/** The one argument of a handler in Directus' older hook API. */
export interface LegacyEvent {
  /** Full event string, e.g. `items.create.articles` (`.before` for blocking hooks). */
  event: string;
  accountability: HandlerAccountability | null;
  collection: string | null;
  /** Primary key(s) of the item(s) concerned. */
  item: string | string[] | null;
  action: string;
  payload: unknown;
  database: unknown;
  schema: unknown;
}

/**
 * What a `.before` handler receives: the payload as an array (`[data]` for a create or an
 * update, the keys for a delete), carrying the `LegacyEvent` properties too, so both
 * `input[0].field = …; return input` and `({ payload, accountability }) => …` work.
 */
export type LegacyBeforeInput = unknown[] & LegacyEvent;

export type LegacyHandler = (input: any) => unknown;
export type LegacyHooks = Record<string, LegacyHandler>;

export interface DirectusLegacyRegister {
  /** Registers every key of the object a legacy register function returned. */
  register(handlers: LegacyHooks): Unregister;
}

interface ParsedKey {
  context: string;
  action: string;
  collection: string | undefined;
  before: boolean;
}

const knownActionsCache = new WeakMap<Catalogue, Map<string, Set<string>>>();

/** The actions each context accepts (`items` → create, update, delete, read), from the catalogue. */
function knownActions(catalogue: Catalogue): Map<string, Set<string>> {
  let known = knownActionsCache.get(catalogue);
  if (known) return known;
  known = new Map();
  for (const row of catalogue.rows()) {
    for (const alias of row.aliases?.['directus-legacy'] ?? []) {
      const [context, action] = (typeof alias === 'string' ? alias : alias.name).split('.');
      if (!context || !action) continue;
      let actions = known.get(context);
      if (!actions) {
        actions = new Set();
        known.set(context, actions);
      }
      actions.add(action);
    }
  }
  knownActionsCache.set(catalogue, known);
  return known;
}

/**
 * `<context>.<action>.<collection>[.before]`; `item.` stands for `items.`, and the collection
 * may come before the action (`item.recipes.create.before`) since one of the two is a known
 * action name. `*` stands for every action or every collection.
 */
export function parseLegacyKey(key: string, catalogue: Catalogue): ParsedKey {
  const segments = key.split('.');
  const before = segments.length > 1 && segments[segments.length - 1] === 'before';
  if (before) segments.pop();
  const [first, ...rest] = segments;
  const context = first === 'item' ? 'items' : (first ?? '');
  if (rest.length === 0) return { context, action: '*', collection: undefined, before };
  if (rest.length === 1) return { context, action: rest[0]!, collection: undefined, before };
  if (rest.length === 2) {
    const [a, b] = rest as [string, string];
    const actions = knownActions(catalogue).get(context) ?? new Set<string>();
    const scope = (collection: string) => (collection === '*' ? undefined : collection);
    if (a === '*' || actions.has(a)) return { context, action: a, collection: scope(b), before };
    if (actions.has(b)) return { context, action: b, collection: scope(a), before };
    throw new UnknownEventError(
      `"${key}": neither "${a}" nor "${b}" is an action of "${context}" (${[...actions].join(', ')}).`,
    );
  }
  throw new UnknownEventError(`"${key}" is not of the form <context>.<action>.<collection>[.before].`);
}

function legacyEvent(
  resolved: ResolvedEvent,
  parsed: ParsedKey,
  meta: any,
  ctx: HandlerContext | undefined,
  payload: unknown,
  item: string | string[] | null,
): LegacyEvent {
  const collection: string | null = typeof meta?.collection === 'string' ? meta.collection : null;
  const scoped = collection !== null && parsed.context === 'items' ? `.${collection}` : '';
  return {
    event: `${resolved.alias}${scoped}${parsed.before ? '.before' : ''}`,
    accountability: ctx?.accountability ?? null,
    collection,
    item,
    action: resolved.alias.split('.')[1] ?? parsed.action,
    payload,
    database: ctx?.database,
    schema: ctx?.schema,
  };
}

function beforeHandler(resolved: ResolvedEvent, parsed: ParsedKey, handler: LegacyHandler) {
  return (payload: unknown, meta: any, ctx: HandlerContext | undefined): unknown => {
    const wrapped = !Array.isArray(payload);
    const input = (wrapped ? [payload] : [...(payload as unknown[])]) as LegacyBeforeInput;
    const item = meta?.key ?? meta?.keys ?? (wrapped ? null : (payload as string[]));
    Object.assign(input, legacyEvent(resolved, parsed, meta, ctx, input, item));
    const settle = (result: unknown): unknown => {
      if (result === false) return false;
      const value = result === undefined ? input : result;
      if (!Array.isArray(value)) return value;
      return wrapped ? value[0] : Array.from(value);
    };
    const result = handler(input);
    return isThenable(result) ? Promise.resolve(result).then(settle) : settle(result);
  };
}

function afterHandler(resolved: ResolvedEvent, parsed: ParsedKey, handler: LegacyHandler) {
  return (meta: any, ctx: HandlerContext | undefined): unknown =>
    handler(legacyEvent(resolved, parsed, meta, ctx, meta?.payload ?? null, meta?.key ?? meta?.keys ?? null));
}

export function directusLegacy(context: VocabularyContext): DirectusLegacyRegister {
  const { hooks, catalogue, owner } = context;
  const registerOne = (key: string, handler: LegacyHandler): Unregister => {
    if (typeof handler !== 'function') throw new TypeError(`The handler of "${key}" must be a function.`);
    const parsed = parseLegacyKey(key, catalogue);
    const kind: HookKind = parsed.before ? 'filter' : 'action';
    const tags = parsed.collection === undefined ? undefined : [parsed.collection];
    const unregisters = resolveOrThrow(
      catalogue,
      ['directus-legacy'],
      `${parsed.context}.${parsed.action}`,
      kind,
      undefined,
      key,
    ).flatMap((resolved) => {
      const combined = combineTags(resolved.tags, tags);
      if (combined === null) return [];
      const options = { tags: combined, owner };
      return parsed.before
        ? hooks.filter(resolved.event, beforeHandler(resolved, parsed, handler), options)
        : hooks.action(resolved.event, afterHandler(resolved, parsed, handler), options);
    });
    return unregisterAll(unregisters);
  };
  return {
    register(handlers) {
      const unregisters: Unregister[] = [];
      try {
        for (const [key, handler] of Object.entries(handlers)) unregisters.push(registerOne(key, handler));
      } catch (error) {
        unregisterAll(unregisters)();
        throw error;
      }
      return unregisterAll(unregisters);
    },
  };
}
