export { ActionScope, HOOK_ERROR, type HookErrorMeta } from './actions.ts';
export { type AroundHandler, OperationRolledBack, OperationSkipped, type SkippedResponse } from './around.ts';
export {
  type AliasSpec,
  type AliasTarget,
  Catalogue,
  type CatalogueRow,
  type EventMap,
  type EventMapOf,
  type EventTypesOf,
  eventUnavailable,
  type HookKind,
  types,
  type Vocabulary,
} from './catalogue.ts';
export * from './errors.ts';
export type { FilterOutcome } from './filters.ts';
export {
  type ActionHandler,
  type ActionMeta,
  createHooks,
  type FilterHandler,
  type FilterMeta,
  type FilterResult,
  type Hooks,
  type HooksOptions,
  type InitHandler,
  type Payload,
  type Point,
  type RegistrationInfo,
  type ScopedContext,
  type Unregister,
} from './hooks.ts';
export type { Logger } from './logger.ts';
export { compilePattern, isValidPattern, matchesPattern } from './names.ts';
export type { RegisterOptions } from './registry.ts';
export type { CronFactory, CronJob, ScheduleHandler, ScheduleInfo, ScheduleLock } from './schedules.ts';
export { FilterStopped, isStopped } from './stopped.ts';
