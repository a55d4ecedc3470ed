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
 * One event, resolved ahead of time. `filter` and `action` are replaced by the cheapest function
 * for the current registrations — for an event nobody listens to, one that returns the payload;
 * for synchronous handlers, the compiled chain itself — and reset when registrations change
 * (tapable does the same with its `call`).
 */
export class EventPoint {
  filter: FilterEntry;
  action: ActionEntry;

  constructor(
    readonly name: string,
    private readonly registry: Registry,
    private readonly runner: FilterRunner,
    private readonly dispatcher: ActionDispatcher,
  ) {
    this.filter = this.#resolveFilter;
    this.action = this.#resolveAction;
    registry.onChange(() => {
      this.filter = this.#resolveFilter;
      this.action = this.#resolveAction;
    });
  }

  readonly #resolveFilter: FilterEntry = (payload, meta, ctx, tags) => {
    const list = this.registry.handlersFor('filter', this.name);
    if (list.registrations.length === 0) {
      this.filter = passThrough;
    } else {
      const chain = this.runner.compile(this.name, list);
      const runner = this.runner;
      const { registrations, arounds } = list;
      const run: FilterEntry = list.mayBeAsync
        ? (p, m, c, t) => runner.run(chain, mayRunAsync(registrations, t), p, m, c, t)
        : chain;
      this.filter = arounds ? this.#settlingArounds(run, arounds) : run;
    }
    return this.filter(payload, meta, ctx, tags);
  };

  #settlingArounds(run: FilterEntry, arounds: NonNullable<HandlerList['arounds']>): FilterEntry {
    const actions = this.registry.handlersFor('action', this.name).registrations;
    const withoutAction = arounds.filter(
      (around) => !actions.some((registration) => registration.handler === around.action),
    );
    return settlingArounds(run, arounds, withoutAction);
  }

  readonly #resolveAction: ActionEntry = (meta, ctx, tags) => {
    if (this.registry.handlersFor('action', this.name).registrations.length === 0) {
      this.action = ignore;
    } else {
      const dispatcher = this.dispatcher;
      const name = this.name;
      this.action = (m, c, t) => dispatcher.emit(name, m, c, t);
    }
    this.action(meta, ctx, tags);
  };

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
