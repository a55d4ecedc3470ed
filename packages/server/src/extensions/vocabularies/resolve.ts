import {
  type AliasTarget,
  type Catalogue,
  eventUnavailable,
  type HookKind,
  UnknownEventError,
  type Vocabulary,
} from '@sluice/hooks';
import { didYouMean } from '../suggest.ts';

/** One canonical event a source-vocabulary name stands for, merged across the aliases that reach it. */
export interface ResolvedEvent {
  /** The canonical event name. */
  event: string;
  /** The name it was reached through (the first, when several reach it). */
  alias: string;
  /** The tags the alias restricts itself to; undefined when it covers the whole event. */
  tags: readonly string[] | undefined;
}

/** The catalogue rows of `kind` a name of the vocabularies stands for, with the alias that reached each. */
function targetsOf(
  catalogue: Catalogue,
  vocabularies: readonly Vocabulary[],
  name: string,
  kind: HookKind,
  kindOf: (target: AliasTarget) => HookKind | undefined,
): AliasTarget[] {
  const targets: AliasTarget[] = [];
  for (const vocabulary of vocabularies) {
    const reached: readonly AliasTarget[] =
      vocabulary === 'canonical'
        ? catalogue.rowsMatching(kind, name).map((row) => ({ row, alias: row.name }))
        : catalogue.resolveAlias(vocabulary, name);
    for (const target of reached) {
      const targetKind = kindOf(target);
      if (targetKind !== undefined && targetKind !== kind) continue;
      if (target.row.kinds.includes(kind)) targets.push(target);
    }
  }
  return targets;
}

/**
 * Resolves a name of `vocabulary` (with `*` segments) to the canonical events of `kind` it
 * stands for, once, at registration. Two aliases of one event become one registration, so an
 * operation never runs a handler twice because it is known under two names. Events of a
 * feature Sluice does not have yet are left out.
 */
export function resolveEvents(
  catalogue: Catalogue,
  vocabularies: readonly Vocabulary[],
  name: string,
  kind: HookKind,
  kindOf: (target: AliasTarget) => HookKind | undefined = (target) => target.kind,
): ResolvedEvent[] {
  const byEvent = new Map<string, ResolvedEvent>();
  for (const target of targetsOf(catalogue, vocabularies, name, kind, kindOf)) {
    if (target.row.missingFeature !== undefined) continue;
    const known = byEvent.get(target.row.name);
    if (!known) {
      byEvent.set(target.row.name, { event: target.row.name, alias: target.alias, tags: target.tags });
    } else if (known.tags !== undefined) {
      const tags = target.tags === undefined ? undefined : [...new Set([...known.tags, ...target.tags])];
      byEvent.set(target.row.name, { ...known, tags });
    }
  }
  return [...byEvent.values()];
}

/**
 * Like `resolveEvents`, but a name that stands for nothing fails at registration: with
 * `EventUnavailableError` when it stands only for events of features Sluice does not have yet.
 * `written` is the name as the user wrote it, for the message.
 */
export function resolveOrThrow(
  catalogue: Catalogue,
  vocabularies: readonly Vocabulary[],
  name: string,
  kind: HookKind,
  kindOf: (target: AliasTarget) => HookKind | undefined = (target) => target.kind,
  written = name,
): ResolvedEvent[] {
  const resolved = resolveEvents(catalogue, vocabularies, name, kind, kindOf);
  if (resolved.length > 0) return resolved;
  const unavailable = new Set(
    targetsOf(catalogue, vocabularies, name, kind, kindOf).map((target) => target.row),
  );
  if (unavailable.size > 0) throw eventUnavailable(written, [...unavailable]);
  throw new UnknownEventError(
    `"${written}" names no ${kind} event (${vocabularies.join(', ')} names).${didYouMean(written, namesOf(catalogue, vocabularies))}`,
  );
}

/** Every name of the vocabularies, for suggestions. */
export function namesOf(catalogue: Catalogue, vocabularies: readonly Vocabulary[]): string[] {
  const names: string[] = [];
  for (const row of catalogue.rows()) {
    for (const vocabulary of vocabularies) {
      if (vocabulary === 'canonical') names.push(row.name);
      else
        for (const alias of row.aliases?.[vocabulary] ?? [])
          names.push(typeof alias === 'string' ? alias : alias.name);
    }
  }
  return names;
}

/**
 * Both restrictions must hold: the tags an alias stands for and those the registration asks for.
 * `null` means they cannot both hold, so nothing should be registered.
 */
export function combineTags(
  aliasTags: readonly string[] | undefined,
  wanted: readonly string[] | undefined,
): readonly string[] | undefined | null {
  if (!wanted || wanted.length === 0) return aliasTags;
  if (!aliasTags) return wanted;
  const common = wanted.filter((tag) => aliasTags.includes(tag));
  return common.length > 0 ? common : null;
}

/** Calls every unregister function of a registration that became several. */
export function unregisterAll(unregisters: readonly (() => void)[]): () => void {
  return () => {
    for (const unregister of unregisters) unregister();
  };
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}
