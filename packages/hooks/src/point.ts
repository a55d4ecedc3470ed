import type { ActionDispatcher } from './actions.ts';
import type { CompiledChain } from './compile.ts';
import type { FilterRunner } from './filters.ts';
import type { HandlerList, Registry } from './registry.ts';

/**
 * One event, resolved ahead of time: code that emits an event often holds its point, so an
 * emit costs a version check and, when nobody listens, nothing more. A point re-resolves
 * itself after registrations change.
 */
export class EventPoint {
  #version = -1;
  #filters!: HandlerList;
  #chain: CompiledChain | null = null;
  #actions!: HandlerList;

  constructor(
    readonly name: string,
    private readonly registry: Registry,
    private readonly runner: FilterRunner,
    private readonly dispatcher: ActionDispatcher,
  ) {}

  #refresh(): void {
    this.#version = this.registry.version;
    this.#filters = this.registry.handlersFor('filter', this.name);
    this.#chain =
      this.#filters.registrations.length === 0 ? null : this.runner.compile(this.name, this.#filters);
    this.#actions = this.registry.handlersFor('action', this.name);
  }

  filter(payload: unknown, meta: unknown, ctx: unknown, tags: readonly string[] | undefined): unknown {
    if (this.#version !== this.registry.version) this.#refresh();
    if (this.#chain === null) return payload;
    return this.runner.run(this.#chain, this.#filters.mayBeAsync, payload, meta, ctx, tags);
  }

  action(meta: unknown, ctx: unknown, tags: readonly string[] | undefined): void {
    if (this.#version !== this.registry.version) this.#refresh();
    if (this.#actions.registrations.length === 0) return;
    this.dispatcher.emit(this.name, meta, ctx, tags);
  }

  listens(kind: 'filter' | 'action'): boolean {
    if (this.#version !== this.registry.version) this.#refresh();
    return (kind === 'filter' ? this.#filters : this.#actions).registrations.length > 0;
  }
}
