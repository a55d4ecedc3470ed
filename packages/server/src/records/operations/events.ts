import { type ActionMeta, type FilterMeta, isStopped, OperationSkipped, type Payload } from '@sluice/hooks';
import type { Core } from '../../app/core.ts';
import type { SluiceEvents } from '../../catalogue/events.ts';
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
export function filterPayload<N extends string, P extends Payload<SluiceEvents, N>>(
  app: Core,
  name: N,
  payload: P,
  meta: FilterMeta<SluiceEvents, N>,
  ctx: HookContext,
  tags: readonly string[],
): P | Promise<P> {
  if (!ctx.emitEvents) return payload;
  const outcome = app.hooks.runFilter(name, payload, meta, ctx, tags) as unknown;
  return outcome instanceof Promise ? outcome.then(settledPayload<P>) : settledPayload<P>(outcome);
}

/**
 * Like `filterPayload`, for callers to whom a stop means something: `stopped` says a handler
 * returned `false`, or an around handler did not call `next()` (the step is skipped, the
 * operation around it goes on).
 */
export async function filterOutcome<N extends string, P extends Payload<SluiceEvents, N>>(
  app: Core,
  name: N,
  payload: P,
  meta: FilterMeta<SluiceEvents, N>,
  ctx: HookContext,
  tags: readonly string[],
): Promise<{ payload: P; stopped: boolean }> {
  if (!ctx.emitEvents) return { payload, stopped: false };
  let outcome: unknown;
  try {
    outcome = await app.hooks.runFilter(name, payload, meta, ctx, tags);
  } catch (error) {
    if (error instanceof OperationSkipped) return { payload, stopped: true };
    throw error;
  }
  if (isStopped(outcome)) return { payload: outcome.payload as P, stopped: true };
  return { payload: outcome as P, stopped: false };
}

function settledPayload<P>(outcome: unknown): P {
  return (isStopped(outcome) ? outcome.payload : outcome) as P;
}

/**
 * Emits an action; inside a transaction it is held until the commit. By the time it runs the
 * transaction is over, so its context carries the database instead (DESIGN §1.7).
 */
export function emitAction<N extends string>(
  app: Core,
  name: N,
  meta: ActionMeta<SluiceEvents, N>,
  ctx: HookContext,
  tags: readonly string[],
): void {
  if (!ctx.emitEvents) return;
  const point = app.hooks.event(name);
  if (!point.listens('action')) return;
  point.action(meta, ctx.database.isTransaction ? { ...ctx, database: app.database.db } : ctx, tags);
}
