import type { AroundPart } from './around.ts';
import { type Catalogue, eventUnavailable, type HookKind } from './catalogue.ts';
import { UnknownEventError } from './errors.ts';
import { type CompiledPattern, compilePattern, isValidPattern, matchesPattern } from './names.ts';

export interface RegisterOptions {
  /** Run only for events carrying one of these tags (e.g. a collection's name or id). */
  tags?: readonly string[];
  /** Lower runs first; equal priorities run in registration order. Default 0. */
  priority?: number;
  /** Who registered it (an extension id); `unregisterOwner` removes all of one owner's hooks. */
  owner?: string;
}

export interface Registration {
  readonly id: number;
  readonly kind: HookKind;
  readonly pattern: string;
  readonly compiled: CompiledPattern;
  readonly tags: readonly string[] | null;
  readonly priority: number;
  readonly owner: string;
  readonly handler: Function;
  /** Declared `async`, or seen returning a promise: its chains take a concurrency slot. */
  mayBeAsync: boolean;
  /** The filter part of an around handler. */
  readonly around?: AroundPart;
  /** The action part of an around handler: not listed on its own. */
  readonly internal?: true;
}

/** What the engine itself adds to a registration (around handlers). */
export type RegistrationParts = Pick<Registration, 'around' | 'internal'>;

export interface HandlerList {
  readonly registrations: readonly Registration[];
  readonly mayBeAsync: boolean;
  /** The around handlers among the filters; null when there are none (the common case). */
  readonly arounds: readonly AroundPart[] | null;
}

const EMPTY: HandlerList = { registrations: [], mayBeAsync: false, arounds: null };

const AsyncFunction = (async () => {}).constructor;

/**
 * Holds every registration and, per event name, the ordered list of those that match it.
 * Lists are computed on first use and dropped when registrations change, so emitting an
 * event costs one map lookup; an event nobody listens to gets the shared empty list.
 */
export class Registry {
  readonly #byKind: Record<HookKind, Registration[]> = { filter: [], action: [], init: [] };
  readonly #cache: Record<HookKind, Map<string, HandlerList>> = {
    filter: new Map(),
    action: new Map(),
    init: new Map(),
  };
  #nextId = 1;
  readonly #listeners: Array<() => void> = [];

  constructor(private readonly catalogue: Catalogue | undefined) {}

  add(
    kind: HookKind,
    pattern: string,
    handler: Function,
    options: RegisterOptions = {},
    parts: RegistrationParts = {},
  ): Registration {
    if (typeof handler !== 'function')
      throw new TypeError(`A ${kind} handler for "${pattern}" must be a function.`);
    if (!isValidPattern(pattern)) throw new UnknownEventError(`Invalid event name "${pattern}".`);
    if (this.catalogue && this.catalogue.namesMatching(kind, pattern).length === 0) {
      const unavailable = this.catalogue.rowsMatching(kind, pattern);
      if (unavailable.length > 0) throw eventUnavailable(pattern, unavailable);
      throw new UnknownEventError(`"${pattern}" names no ${kind} event in the catalogue.`);
    }
    const registration: Registration = {
      id: this.#nextId++,
      kind,
      pattern,
      compiled: compilePattern(pattern),
      tags: options.tags && options.tags.length > 0 ? [...options.tags] : null,
      priority: options.priority ?? 0,
      owner: options.owner ?? 'app',
      handler,
      mayBeAsync: handler instanceof AsyncFunction,
      ...parts,
    };
    const list = this.#byKind[kind];
    let index = list.length;
    while (index > 0 && list[index - 1]!.priority > registration.priority) index--;
    list.splice(index, 0, registration);
    this.#changed(kind);
    return registration;
  }

  remove(registration: Registration): boolean {
    const list = this.#byKind[registration.kind];
    const index = list.indexOf(registration);
    if (index === -1) return false;
    list.splice(index, 1);
    this.#changed(registration.kind);
    return true;
  }

  removeOwner(owner: string): number {
    let removed = 0;
    for (const kind of ['filter', 'action', 'init'] as const) {
      const kept = this.#byKind[kind].filter((registration) => registration.owner !== owner);
      removed += this.#byKind[kind].length - kept.length;
      this.#byKind[kind] = kept;
      this.#changed(kind);
    }
    return removed;
  }

  handlersFor(kind: HookKind, name: string): HandlerList {
    const cached = this.#cache[kind].get(name);
    if (cached) return cached;
    const registrations = this.#byKind[kind].filter((registration) =>
      matchesPattern(registration.compiled, name),
    );
    const arounds = registrations.flatMap((registration) =>
      registration.around ? [registration.around] : [],
    );
    const list =
      registrations.length === 0
        ? EMPTY
        : {
            registrations,
            mayBeAsync: registrations.some((registration) => registration.mayBeAsync),
            arounds: arounds.length > 0 ? arounds : null,
          };
    this.#cache[kind].set(name, list);
    return list;
  }

  /** Marks a plain function seen returning a promise, so later chains reserve a slot for it. */
  markAsync(registration: Registration): void {
    if (registration.mayBeAsync) return;
    registration.mayBeAsync = true;
    this.#changed(registration.kind);
  }

  /** Called after every change, so event points re-resolve. */
  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }

  #changed(kind: HookKind): void {
    this.#cache[kind].clear();
    for (const listener of this.#listeners) listener();
  }

  all(): Registration[] {
    return [...this.#byKind.filter, ...this.#byKind.action, ...this.#byKind.init];
  }
}

export function carriesTag(registration: Registration, tags: readonly string[] | undefined): boolean {
  if (registration.tags === null) return true;
  if (!tags) return false;
  for (const wanted of registration.tags) {
    if (tags.includes(wanted)) return true;
  }
  return false;
}
