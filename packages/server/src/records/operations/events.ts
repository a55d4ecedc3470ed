import { isStopped } from '@sluice/hooks';
import type { Core } from '../../app/core.ts';
import type { Collection } from '../../collections/types.ts';
import type { HookContext } from '../../context.ts';

/** The tags of every record event: the collection's name and id (DESIGN §1.1). */
export function recordTags(collection: Collection): readonly string[] {
  let tags = tagCache.get(collection);
  if (!tags) {
    tags = Object.freeze([collection.name, collection.id]);
    tagCache.set(collection, tags);
  }
  return tags;
}
const tagCache = new WeakMap<Collection, readonly string[]>();

/**
 * Runs a filter unless the caller asked for no events; a stop keeps the payload as it was then.
 * Synchronous when every filter that ran was (callers await it either way).
 */
export function filterPayload<P>(
  app: Core,
  name: string,
  payload: P,
  meta: object,
  ctx: HookContext,
  tags: readonly string[],
): P | Promise<P> {
  if (!ctx.emitEvents) return payload;
  const outcome = app.hooks.runFilter(name as never, payload as never, meta as never, ctx, tags) as unknown;
  return outcome instanceof Promise ? outcome.then(settledPayload<P>) : settledPayload<P>(outcome);
}

/** Like `filterPayload`, for callers to whom a stop means something: `stopped` says a handler returned `false`. */
export async function filterOutcome<P>(
  app: Core,
  name: string,
  payload: P,
  meta: object,
  ctx: HookContext,
  tags: readonly string[],
): Promise<{ payload: P; stopped: boolean }> {
  if (!ctx.emitEvents) return { payload, stopped: false };
  const outcome = await app.hooks.runFilter(name as never, payload as never, meta as never, ctx, tags);
  if (isStopped(outcome as never)) return { payload: (outcome as { payload: P }).payload, stopped: true };
  return { payload: outcome as P, stopped: false };
}

function settledPayload<P>(outcome: unknown): P {
  return (isStopped(outcome as never) ? (outcome as { payload: P }).payload : outcome) as P;
}

/**
 * Emits an action; inside a transaction it is held until the commit. By the time it runs the
 * transaction is over, so its context carries the database instead (DESIGN §1.7).
 */
export function emitAction(
  app: Core,
  name: string,
  meta: object,
  ctx: HookContext,
  tags: readonly string[],
): void {
  if (!ctx.emitEvents) return;
  const point = app.hooks.event(name);
  if (!point.listens('action')) return;
  point.action(meta as never, ctx.database.isTransaction ? { ...ctx, database: app.database.db } : ctx, tags);
}
