import type { ActionDispatcher } from './actions.ts';
import { settlingArounds } from './around.ts';
import type { FilterRunner } from './filters.ts';
import { carriesTag, type HandlerList, type Registration, type Registry } from './registry.ts';

type FilterEntry = (
  payload: unknown,
  meta: unknown,
  ctx: unknown,
  tags: readonly string[] | undefined,
) => unknown;
type ActionEntry = (meta: unknown, ctx: unknown, tags: readonly string[] | undefined) => void;

const passThrough: FilterEntry = (payload) => payload;
const ignore: ActionEntry = () => {};

/**
 * One event, resolved ahead of time. `filter` and `action` are the cheapest function for the
 * current registrations — for an event nobody listens to, one that returns the payload; for
 * synchronous handlers, the compiled chain itself — made when the point is, and made again on
 * first use after registrations change.
 *
 * The two fields are only `declare`d, so that the constructor's store is their first: a point
 * whose registrations never change then keeps a field V8 treats as constant, and a call through
 * a point held in a constant goes straight to its chain (or has it inlined) instead of through
 * a generic call.
 */
export class EventPoint {
  declare filter: FilterEntry;
  declare action: ActionEntry;

  constructor(
    readonly name: string,
    private readonly registry: Registry,
    private readonly runner: FilterRunner,
    private readonly dispatcher: ActionDispatcher,
  ) {
    this.filter = this.#filterEntry();
    this.action = this.#actionEntry();
    registry.onChange(() => {
      this.filter = this.#resolveFilter;
      this.action = this.#resolveAction;
    });
  }

  readonly #resolveFilter: FilterEntry = (payload, meta, ctx, tags) => {
    this.filter = this.#filterEntry();
    return this.filter(payload, meta, ctx, tags);
  };

  #filterEntry(): FilterEntry {
    const list = this.registry.handlersFor('filter', this.name);
    if (list.registrations.length === 0) return passThrough;
    const chain = this.runner.compile(this.name, list);
    const runner = this.runner;
    const { registrations, arounds } = list;
    const run: FilterEntry = list.mayBeAsync
      ? (p, m, c, t) => runner.run(chain, mayRunAsync(registrations, t), p, m, c, t)
      : chain;
    return arounds ? this.#settlingArounds(run, arounds) : run;
  }

  #settlingArounds(run: FilterEntry, arounds: NonNullable<HandlerList['arounds']>): FilterEntry {
    const actions = this.registry.handlersFor('action', this.name).registrations;
    const withoutAction = arounds.filter(
      (around) => !actions.some((registration) => registration.handler === around.action),
    );
    return settlingArounds(run, arounds, withoutAction);
  }

  readonly #resolveAction: ActionEntry = (meta, ctx, tags) => {
    this.action = this.#actionEntry();
    this.action(meta, ctx, tags);
  };

  #actionEntry(): ActionEntry {
    if (this.registry.handlersFor('action', this.name).registrations.length === 0) return ignore;
    const dispatcher = this.dispatcher;
    const name = this.name;
    return (m, c, t) => dispatcher.emit(name, m, c, t);
  }

  listens(kind: 'filter' | 'action'): boolean {
    return this.registry.handlersFor(kind, this.name).registrations.length > 0;
  }
}

/**
 * Whether a handler that runs for these tags may be asynchronous. Only such chains take a
 * concurrency slot, so that a slow hook of one collection cannot queue up another's writes.
 */
function mayRunAsync(registrations: readonly Registration[], tags: readonly string[] | undefined): boolean {
  for (const registration of registrations) {
    if (registration.mayBeAsync && carriesTag(registration, tags)) return true;
  }
  return false;
}
