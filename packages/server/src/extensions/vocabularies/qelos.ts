import { randomUUID } from 'node:crypto';
import { type CatalogueRow, eventUnavailable, UnknownEventError, type Unregister } from '@sluice/hooks';
import { PLUGIN_EVENT } from '../plugin-events.ts';
import type { DispatchEvent, HandlerContext, PluginEvent, VocabularyContext } from '../types.ts';
import { unregisterAll } from './resolve.ts';

/** Which events a Qelos registration wants; `*` in a field matches any value. */
export interface QelosEventFilter {
  source: string;
  kind: string;
  eventName: string;
}

/** What a Qelos handler receives (`req`). */
export interface QelosHookRequest {
  /** Sluice serves one tenant: always an empty object. */
  tenantPayload: Record<string, unknown>;
  /** The user the event happened for, when known. */
  user: Record<string, unknown> | null;
  body: PluginEvent;
}

export type QelosHandler = (req: QelosHookRequest) => unknown;

export interface QelosSdk {
  events: { dispatch: DispatchEvent };
}

export interface QelosPlugin {
  registerToHook(filter: QelosEventFilter, handler: QelosHandler): Unregister;
  getSdk(): QelosSdk;
}

const PLUGIN_PREFIX = 'plugin:';

/** One id and time per event, whichever handler asks first, shared by all Qelos handlers. */
const records = new WeakMap<object, PluginEvent>();

/** True the first time it sees an event's meta object. */
function oncePerEvent(): (meta: unknown) => boolean {
  const seen = new WeakSet<object>();
  return (meta) => {
    if (meta === null || typeof meta !== 'object') return true;
    if (seen.has(meta)) return false;
    seen.add(meta);
    return true;
  };
}

function eventRecord(
  target: { alias: string; row: CatalogueRow; tags?: readonly string[] },
  meta: any,
  ctx: HandlerContext | undefined,
): PluginEvent {
  const key = meta !== null && typeof meta === 'object' ? meta : undefined;
  const known = key && records.get(key);
  if (known) return known;
  const [source = '', kind = '', eventName = ''] = target.alias.split('.');
  const user = ctx?.accountability?.user ?? meta?.record?.id ?? null;
  const record: PluginEvent = {
    id: randomUUID(),
    time: new Date().toISOString(),
    source,
    kind,
    eventName,
    name: target.row.name,
    tags: target.tags ?? [],
    user,
    metadata: { ...meta },
  };
  if (key) records.set(key, record);
  return record;
}

const wildcard = (value: string | undefined): string => (value === undefined || value === '' ? '*' : value);

export function qelos(context: VocabularyContext): QelosPlugin {
  const { hooks, catalogue, owner, dispatch } = context;

  const registerToHook = (filter: QelosEventFilter, handler: QelosHandler): Unregister => {
    if (typeof handler !== 'function') throw new TypeError('registerToHook needs a handler function.');
    const source = wildcard(filter?.source);
    const kind = wildcard(filter?.kind);
    const eventName = wildcard(filter?.eventName);
    const unregisters: Unregister[] = [];
    const unavailable = new Set<CatalogueRow>();

    if (!source.startsWith(PLUGIN_PREFIX)) {
      // One registration per alias, so the body names the alias the event was tagged for
      // (`failed-google-login`, not its siblings); `once` keeps an event from reaching it twice.
      const once = oncePerEvent();
      for (const target of catalogue.resolveAlias('qelos', `${source}.${kind}.${eventName}`)) {
        if ((target.kind && target.kind !== 'action') || !target.row.kinds.includes('action')) continue;
        if (target.row.missingFeature !== undefined) {
          unavailable.add(target.row);
          continue;
        }
        unregisters.push(
          hooks.action(
            target.row.name,
            (meta: unknown, ctx: HandlerContext | undefined) => {
              if (!once(meta)) return;
              return handler({
                tenantPayload: {},
                user: ctx?.accountability?.record ?? null,
                body: eventRecord(target, meta, ctx),
              });
            },
            { tags: target.tags, owner },
          ),
        );
      }
    }

    if (source === '*' || source.startsWith(PLUGIN_PREFIX)) {
      // Tags match any one of their values, so the tag narrows and the guard checks all three fields.
      const narrowest = [source, kind, eventName].find((field) => field !== '*');
      const tags = narrowest ? [narrowest] : undefined;
      unregisters.push(
        hooks.action(
          PLUGIN_EVENT,
          (event: PluginEvent, ctx: HandlerContext | undefined) => {
            if (source !== '*' && event.source !== source) return;
            if (kind !== '*' && event.kind !== kind) return;
            if (eventName !== '*' && event.eventName !== eventName) return;
            return handler({ tenantPayload: {}, user: ctx?.accountability?.record ?? null, body: event });
          },
          { tags, owner },
        ),
      );
    }

    if (unregisters.length === 0) {
      if (unavailable.size > 0) {
        throw eventUnavailable(`{source: "${source}", kind: "${kind}", eventName: "${eventName}"}`, [
          ...unavailable,
        ]);
      }
      throw new UnknownEventError(
        `No event matches {source: "${source}", kind: "${kind}", eventName: "${eventName}"}.`,
      );
    }
    return unregisterAll(unregisters);
  };

  return {
    registerToHook,
    getSdk: () => ({ events: { dispatch } }),
  };
}
