import { ActionDispatcher, ActionScope, HOOK_ERROR, type HookErrorMeta } from './actions.ts';
import { type AroundHandler, AroundPart } from './around.ts';
import type { Catalogue, EventMap } from './catalogue.ts';
import { HookError, SluiceError } from './errors.ts';
import { type FilterOutcome, FilterRunner } from './filters.ts';
import { Limiter } from './limiter.ts';
import { consoleLogger, type Logger } from './logger.ts';
import { EventPoint } from './point.ts';
import { type RegisterOptions, Registry } from './registry.ts';
import {
  type CronFactory,
  type ScheduleHandler,
  type ScheduleInfo,
  type ScheduleLock,
  Schedules,
} from './schedules.ts';
import { Watchdog } from './watchdog.ts';

export interface HooksOptions {
  /** When given, registrations must name events of this table (with `*` per segment). */
  catalogue?: Catalogue;
  logger?: Logger;
  /** A filter slower than this logs a warning naming its extension and event. Default 500. */
  warnMs?: number;
  /** A filter chain slower than this aborts with a 504-class error. Default 30 000. */
  timeoutMs?: number;
  /** Asynchronous filter chains running at once. Default 256. */
  maxConcurrentFilters?: number;
  /** Chains waiting for a slot before new ones are refused with a 503. Default 1 024. */
  maxQueuedFilters?: number;
  /** Makes cron jobs for `schedule`; croner's `Cron` in Sluice. */
  cron?: CronFactory;
  /**
   * Lets several processes run each schedule tick once between them: called before every tick
   * with a key naming the owner, the expression and the tick's second; a tick whose lock is not
   * obtained (false, or a rejection) is skipped and counted as `lockSkipped`.
   */
  scheduleLock?: ScheduleLock;
}

/** What every handler context may carry for the engine: the transaction's action scope. */
export interface ScopedContext {
  scope?: ActionScope;
}

/** The payload of event `N`'s filters in the event map `E` (`any` for a name it does not know). */
export type Payload<E extends EventMap, N> = N extends keyof E['filter'] ? E['filter'][N]['payload'] : any;
export type FilterMeta<E extends EventMap, N> = N extends keyof E['filter'] ? E['filter'][N]['meta'] : any;
export type ActionMeta<E extends EventMap, N> = N extends keyof E['action'] ? E['action'][N] : any;
type InitMeta<E extends EventMap, N> = N extends keyof E['init'] ? E['init'][N] : any;

// biome-ignore lint/suspicious/noConfusingVoidType: a handler with no return statement keeps the payload
export type FilterResult<P> = P | undefined | void | false;
export type FilterHandler<P = any, M = any, C = any> = (
  payload: P,
  meta: M,
  ctx: C,
) => FilterResult<P> | Promise<FilterResult<P>>;
export type ActionHandler<M = any, C = any> = (meta: M, ctx: C) => unknown;
export type InitHandler<M = any> = (meta: M) => unknown;
export type Unregister = () => void;

export interface RegistrationInfo {
  id: number;
  kind: 'filter' | 'action' | 'init' | 'around';
  event: string;
  tags: string[];
  priority: number;
  owner: string;
}

/** An event resolved ahead of time; see `Hooks.event`. */
export interface Point<P = any, FM = any, AM = any, C = any> {
  readonly name: string;
  filter(
    payload: P,
    meta: FM,
    ctx?: C,
    tags?: readonly string[],
  ): FilterOutcome<P> | Promise<FilterOutcome<P>>;
  action(meta: AM, ctx?: C, tags?: readonly string[]): void;
  listens(kind: 'filter' | 'action'): boolean;
}

/** No catalogue types: every handler argument is `any`. */
export type UntypedEvents = { filter: {}; action: {}; init: {} };

export interface Hooks<E extends EventMap = UntypedEvents, C = any> {
  readonly catalogue: Catalogue | undefined;
  filter<N extends string>(
    name: N,
    handler: FilterHandler<Payload<E, N>, FilterMeta<E, N>, C>,
    options?: RegisterOptions,
  ): Unregister;
  action<N extends string>(
    name: N,
    handler: ActionHandler<ActionMeta<E, N>, C>,
    options?: RegisterOptions,
  ): Unregister;
  init<N extends string>(
    name: N,
    handler: InitHandler<InitMeta<E, N>>,
    options?: RegisterOptions,
  ): Unregister;
  /**
   * Code before `next()` runs as a filter (same order, same transaction); `next()` resolves
   * with the committed result: the event's action meta, or the final payload of an event
   * without an action. See `AroundHandler`.
   */
  around<N extends string>(
    name: N,
    handler: AroundHandler<Payload<E, N>, FilterMeta<E, N>, C, ActionMeta<E, N> | Payload<E, N>>,
    options?: RegisterOptions,
  ): Unregister;
  schedule(
    expression: string,
    handler: ScheduleHandler,
    options?: Pick<RegisterOptions, 'owner'> & { name?: string },
  ): Unregister;
  /** Runs a schedule now, by its name (`schedules()`); false when none has that name. */
  runSchedule(name: string): Promise<boolean>;
  /** Removes every hook and schedule an owner registered (hot reload of one extension). */
  unregisterOwner(owner: string): number;

  /**
   * Runs the filters of an event and returns the payload they leave, or `FilterStopped` when
   * one returned `false`; synchronous when every handler that ran was.
   */
  runFilter<N extends string>(
    name: N,
    payload: Payload<E, N>,
    meta: FilterMeta<E, N>,
    ctx?: C,
    tags?: readonly string[],
  ): FilterOutcome<Payload<E, N>> | Promise<FilterOutcome<Payload<E, N>>>;
  /** Emits an action: held by the context's open scope, or run after the current tick. */
  runAction<N extends string>(name: N, meta: ActionMeta<E, N>, ctx?: C, tags?: readonly string[]): void;
  /** The event's point: emitting through it skips the name lookup. */
  event<N extends string>(name: N): Point<Payload<E, N>, FilterMeta<E, N>, ActionMeta<E, N>, C>;
  /** Runs init handlers one after another; a throw reaches the caller. */
  runInit<N extends string>(name: N, meta: InitMeta<E, N>): Promise<void>;
  /** Whether anything listens, so callers can skip building an event nobody reads. */
  listens(kind: 'filter' | 'action' | 'init', name: string): boolean;

  /** Opens an action scope for a transaction; pass it in the context as `scope`. */
  scope(parent?: ActionScope): ActionScope;
  drain(): Promise<void>;
  start(): void;
  stop(): void;
  registrations(): RegistrationInfo[];
  /** Calls `listener` after every change to the registrations. */
  onChange(listener: () => void): void;
  schedules(): ScheduleInfo[];
}

export function createHooks<E extends EventMap = UntypedEvents, C = any>(
  options: HooksOptions = {},
): Hooks<E, C> {
  const catalogue = options.catalogue;
  if (catalogue && !catalogue.get(HOOK_ERROR)) {
    catalogue.define({
      name: HOOK_ERROR,
      kinds: ['action'],
      description: 'An action or schedule handler failed. Its own failures are only logged.',
      meta: '`extension`, `event`, `error`',
      aliases: { kuzzle: ['hook:onError'] },
    });
  }
  const logger = options.logger ?? consoleLogger;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const warnMs = options.warnMs ?? 500;
  const registry = new Registry(catalogue);
  const dispatcher = new ActionDispatcher(registry, logger);
  const filters = new FilterRunner(
    registry,
    new Limiter(options.maxConcurrentFilters ?? 256, options.maxQueuedFilters ?? 1024),
    new Watchdog(Math.min(100, Math.max(5, Math.min(warnMs, timeoutMs) / 10)), warnMs),
    timeoutMs,
    logger,
  );
  const points = new Map<string, EventPoint>();
  const pointFor = (name: string): EventPoint => {
    let point = points.get(name);
    if (!point) {
      point = new EventPoint(name, registry, filters, dispatcher);
      points.set(name, point);
    }
    return point;
  };
  const schedules = new Schedules(
    options.cron,
    logger,
    (owner, event, error) => dispatcher.reportFailure(owner, event, error),
    options.scheduleLock,
  );

  const register =
    (kind: 'filter' | 'action' | 'init') =>
    (name: string, handler: Function, registerOptions?: RegisterOptions): Unregister => {
      const registration = registry.add(kind, name, handler, registerOptions);
      return () => {
        registry.remove(registration);
      };
    };

  return {
    catalogue,
    filter: register('filter'),
    action: register('action'),
    init: register('init'),
    around(name, handler, registerOptions) {
      if (typeof handler !== 'function')
        throw new TypeError(`An around handler for "${name}" must be a function.`);
      const part = new AroundPart(handler, (pending) =>
        dispatcher.track(pending, registerOptions?.owner ?? 'app', name),
      );
      const filter = registry.add('filter', name, part.filter, registerOptions, { around: part });
      const withAction = !catalogue || catalogue.namesMatching('action', name).length > 0;
      const action = withAction
        ? registry.add('action', name, part.action, registerOptions, { internal: true })
        : undefined;
      return () => {
        registry.remove(filter);
        if (action) registry.remove(action);
      };
    },
    schedule: (expression, handler, scheduleOptions) =>
      schedules.add(expression, handler, scheduleOptions?.owner ?? 'app', scheduleOptions?.name),
    runSchedule: (name) => schedules.runNow(name),
    unregisterOwner: (owner) => registry.removeOwner(owner) + schedules.removeOwner(owner),

    runFilter: (name, payload, meta, ctx, tags) => pointFor(name).filter(payload, meta, ctx, tags) as any,
    runAction: (name, meta, ctx, tags) => pointFor(name).action(meta, ctx, tags),
    event: (name) => pointFor(name) as Point,
    async runInit(name, meta) {
      for (const registration of registry.handlersFor('init', name).registrations) {
        try {
          await registration.handler(meta);
        } catch (error) {
          if (error instanceof SluiceError) throw error;
          logger.error({ extension: registration.owner, event: name, err: error }, 'An init hook threw.');
          throw new HookError(registration.owner, name, error);
        }
      }
    },
    listens: (kind, name) => registry.handlersFor(kind, name).registrations.length > 0,

    scope: (parent) => new ActionScope(dispatcher, parent),
    drain: () => dispatcher.drain(),
    start: () => schedules.start(),
    stop: () => schedules.stop(),
    registrations: () =>
      registry
        .all()
        .filter((registration) => !registration.internal)
        .map((registration) => ({
          id: registration.id,
          kind: registration.around ? 'around' : registration.kind,
          event: registration.pattern,
          tags: registration.tags ? [...registration.tags] : [],
          priority: registration.priority,
          owner: registration.owner,
        })),
    onChange: (listener) => registry.onChange(listener),
    schedules: () => schedules.list(),
  };
}

export type { HookErrorMeta };
