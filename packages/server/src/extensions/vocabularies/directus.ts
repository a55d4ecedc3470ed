import type {
  ActionHandler,
  AroundHandler,
  FilterHandler,
  HookKind,
  InitHandler,
  RegisterOptions,
  ScheduleHandler,
  Unregister,
} from '@sluice/hooks';
import type { SluiceEvents } from '../../catalogue/events.ts';
import type { HandlerContext, VocabularyContext } from '../types.ts';
import { combineTags, type ResolvedEvent, resolveEvents, resolveOrThrow, unregisterAll } from './resolve.ts';

type FilterPayload<N> = N extends keyof SluiceEvents['filter'] ? SluiceEvents['filter'][N]['payload'] : any;
type FilterMeta<N> = N extends keyof SluiceEvents['filter'] ? SluiceEvents['filter'][N]['meta'] : any;
type ActionMeta<N> = N extends keyof SluiceEvents['action'] ? SluiceEvents['action'][N] : any;
type InitMeta<N> = N extends keyof SluiceEvents['init'] ? SluiceEvents['init'][N] : any;

export type DirectusOptions = Pick<RegisterOptions, 'tags' | 'priority'>;

/**
 * The register functions of a hook file (`defineHook` and Directus' newer API): canonical
 * names (typed by the catalogue), Directus names (`items.create`, `users.update`) and scoped
 * names (`articles.items.create`, which runs for that collection only).
 */
export interface DirectusRegister {
  filter<N extends string>(
    name: N,
    handler: FilterHandler<FilterPayload<N>, FilterMeta<N>, HandlerContext>,
    options?: DirectusOptions,
  ): Unregister;
  action<N extends string>(
    name: N,
    handler: ActionHandler<ActionMeta<N>, HandlerContext>,
    options?: DirectusOptions,
  ): Unregister;
  init<N extends string>(name: N, handler: InitHandler<InitMeta<N>>, options?: DirectusOptions): Unregister;
  /** Code before `next()` runs as a filter; `await next()` resolves once the operation committed. */
  around<N extends string>(
    name: N,
    handler: AroundHandler<FilterPayload<N>, FilterMeta<N>, HandlerContext, ActionMeta<N> | FilterPayload<N>>,
    options?: DirectusOptions,
  ): Unregister;
  /** A cron expression of 5 or 6 fields; names of days and months are accepted. */
  schedule(expression: string, handler: ScheduleHandler): Unregister;
}

const VOCABULARIES = ['canonical', 'directus'] as const;

/** `<collection>.items.<action>` → the events of `items.<action>`, restricted to that collection. */
function resolveScoped(context: VocabularyContext, name: string, kind: HookKind): ResolvedEvent[] {
  const direct = resolveEvents(context.catalogue, VOCABULARIES, name, kind);
  if (direct.length > 0) return direct;
  const [scope, ...rest] = name.split('.');
  if (scope && scope !== '*' && rest[0] === 'items' && rest.length >= 2) {
    const scoped = resolveOrThrow(context.catalogue, VOCABULARIES, rest.join('.'), kind, undefined, name);
    return scoped.flatMap((resolved) => {
      const tags = combineTags(resolved.tags, [scope]);
      return tags === null ? [] : [{ ...resolved, tags }];
    });
  }
  return resolveOrThrow(context.catalogue, VOCABULARIES, name, kind);
}

export function directus(context: VocabularyContext): DirectusRegister {
  const { hooks, owner } = context;
  const register =
    (kind: HookKind | 'around') =>
    (name: string, handler: Function, options: DirectusOptions = {}): Unregister => {
      if (typeof handler !== 'function')
        throw new TypeError(`The ${kind} handler for "${name}" must be a function.`);
      const unregisters: Unregister[] = [];
      for (const resolved of resolveScoped(context, name, kind === 'around' ? 'filter' : kind)) {
        const tags = combineTags(resolved.tags, options.tags);
        if (tags === null) continue;
        unregisters.push(
          hooks[kind](resolved.event, handler as never, { tags, priority: options.priority, owner }),
        );
      }
      return unregisterAll(unregisters);
    };
  return {
    filter: register('filter'),
    action: register('action'),
    init: register('init'),
    around: register('around'),
    schedule: (expression, handler) => hooks.schedule(expression, handler, { owner }),
  };
}
