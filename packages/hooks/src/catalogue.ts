import { EventUnavailableError, UnknownEventError } from './errors.ts';
import { compilePattern, hasWildcard, isValidPattern, matchesPattern } from './names.ts';

export type HookKind = 'filter' | 'action' | 'init';

/** The vocabularies a registration may speak; `canonical` is the catalogue's own names. */
export type Vocabulary = 'canonical' | 'directus' | 'directus-legacy' | 'pocketbase' | 'kuzzle' | 'qelos';

/**
 * Carries a row's types at the type level only: the filter's payload and meta, and the action's
 * meta (the filter's unless given).
 */
export interface EventTypesOf<Payload, Meta, ActionMeta = Meta> {
  readonly payload?: Payload;
  readonly meta?: Meta;
  readonly actionMeta?: ActionMeta;
}

export function types<Payload = unknown, Meta = unknown, ActionMeta = Meta>(): EventTypesOf<
  Payload,
  Meta,
  ActionMeta
> {
  return {};
}

/**
 * An alias that stands for only part of an event: one kind of it (`onRecordBeforeCreateRequest`
 * is the filter of `records.create`) and/or some of its tags (`onAdminBeforeCreateRequest` is
 * that filter for the `_superusers` collection).
 */
export interface AliasSpec {
  readonly name: string;
  readonly kind?: HookKind;
  readonly tags?: readonly string[];
}

export interface CatalogueRow {
  /** Canonical dot-separated name, e.g. `records.create`. */
  readonly name: string;
  readonly kinds: readonly HookKind[];
  readonly description: string;
  /** What the event's tags carry (e.g. `collection name and id`), when it has any. */
  readonly tags?: string;
  /** Human description of the payload (filters) and meta (actions, init) for the docs. */
  readonly payload?: string;
  readonly meta?: string;
  /** The names this event has in the source vocabularies. */
  readonly aliases?: Partial<Record<Exclude<Vocabulary, 'canonical'>, readonly (string | AliasSpec)[]>>;
  readonly types?: EventTypesOf<unknown, unknown, unknown>;
  /**
   * Names the feature the event belongs to when that feature does not exist yet (`files`,
   * `oauth2`): nothing fires it, so registering on it fails and patterns with `*` skip it.
   */
  readonly missingFeature?: string;
}

type RowPayload<Row> = Row extends { types?: EventTypesOf<infer P, any, any> } ? P : unknown;
type RowMeta<Row> = Row extends { types?: EventTypesOf<any, infer M, any> } ? M : unknown;
type RowActionMeta<Row> = Row extends { types?: EventTypesOf<any, any, infer A> } ? A : unknown;
type RowsOfKind<Rows extends readonly CatalogueRow[], K extends HookKind> = Rows[number] extends infer Row
  ? Row extends { kinds: readonly (infer Kinds)[]; name: string }
    ? K extends Kinds
      ? Row
      : never
    : never
  : never;

/** The event map derived from a catalogue table: used to type handlers by event name. */
export interface EventMap {
  filter: Record<string, { payload: unknown; meta: unknown }>;
  action: Record<string, unknown>;
  init: Record<string, unknown>;
}

export type EventMapOf<Rows extends readonly CatalogueRow[]> = {
  filter: {
    [Row in RowsOfKind<Rows, 'filter'> as Row['name']]: { payload: RowPayload<Row>; meta: RowMeta<Row> };
  };
  action: { [Row in RowsOfKind<Rows, 'action'> as Row['name']]: RowActionMeta<Row> };
  init: { [Row in RowsOfKind<Rows, 'init'> as Row['name']]: RowMeta<Row> };
};

export interface AliasTarget {
  readonly row: CatalogueRow;
  readonly alias: string;
  readonly kind?: HookKind;
  readonly tags?: readonly string[];
}

/**
 * The table of every hook point. Registrations are checked against it, so a misspelt name
 * fails at registration instead of silently never running.
 */
export class Catalogue {
  readonly #rows = new Map<string, CatalogueRow>();
  readonly #aliases = new Map<Vocabulary, Map<string, AliasTarget[]>>();

  constructor(rows: readonly CatalogueRow[] = []) {
    for (const row of rows) this.define(row);
  }

  define(row: CatalogueRow): void {
    if (!isValidPattern(row.name) || hasWildcard(row.name)) {
      throw new UnknownEventError(`Invalid catalogue name "${row.name}".`);
    }
    if (this.#rows.has(row.name)) throw new UnknownEventError(`Duplicate catalogue name "${row.name}".`);
    this.#rows.set(row.name, row);
    for (const [vocabulary, aliases] of Object.entries(row.aliases ?? {}) as [
      Vocabulary,
      (string | AliasSpec)[],
    ][]) {
      let byName = this.#aliases.get(vocabulary);
      if (!byName) {
        byName = new Map();
        this.#aliases.set(vocabulary, byName);
      }
      for (const alias of aliases) {
        const spec = typeof alias === 'string' ? { name: alias } : alias;
        const targets = byName.get(spec.name) ?? [];
        targets.push({ row, alias: spec.name, kind: spec.kind, tags: spec.tags });
        byName.set(spec.name, targets);
      }
    }
  }

  get(name: string): CatalogueRow | undefined {
    return this.#rows.get(name);
  }

  rows(): CatalogueRow[] {
    return [...this.#rows.values()];
  }

  /** Canonical names of the given kind that a (possibly wildcard) pattern covers, among rows that fire. */
  namesMatching(kind: HookKind, pattern: string): string[] {
    return this.rowsMatching(kind, pattern)
      .filter((row) => row.missingFeature === undefined)
      .map((row) => row.name);
  }

  /** The rows of the given kind a pattern covers, whether their feature exists or not. */
  rowsMatching(kind: HookKind, pattern: string): CatalogueRow[] {
    const row = this.#rows.get(pattern);
    if (row) return row.kinds.includes(kind) ? [row] : [];
    if (!hasWildcard(pattern)) return [];
    const compiled = compilePattern(pattern);
    return this.rows().filter(
      (candidate) => candidate.kinds.includes(kind) && matchesPattern(compiled, candidate.name),
    );
  }

  /** What a name of another vocabulary stands for; `*` segments match alias segments. */
  resolveAlias(vocabulary: Vocabulary, name: string): AliasTarget[] {
    if (vocabulary === 'canonical') {
      const row = this.#rows.get(name);
      return row ? [{ row, alias: name }] : [];
    }
    const byName = this.#aliases.get(vocabulary);
    if (!byName) return [];
    const exact = byName.get(name);
    if (exact) return exact;
    if (!name.includes('*')) return [];
    const compiled = compilePattern(name);
    const targets: AliasTarget[] = [];
    for (const [alias, aliasTargets] of byName) {
      if (matchesPattern(compiled, alias)) targets.push(...aliasTargets);
    }
    return targets;
  }
}

/** The error for a name, as its user wrote it, that stands only for rows of missing features. */
export function eventUnavailable(
  name: string,
  rows: readonly CatalogueRow[],
): InstanceType<typeof EventUnavailableError> {
  const features = [...new Set(rows.map((row) => row.missingFeature))].join(', ');
  const events = rows.map((row) => row.name).join(', ');
  const what = events === name ? `"${name}"` : `"${name}" (${events})`;
  return new EventUnavailableError(`${what} cannot be hooked: Sluice has no ${features} yet.`);
}
