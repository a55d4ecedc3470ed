import { type Catalogue, compilePattern, isValidPattern, matchesPattern } from '@sluice/hooks';

/**
 * What a webhook subscribes to: catalogue patterns (`records.create`, `records.*`) or Qelos
 * triples written `source/kind/eventName` (`auth/signup/*`, `plugin:my-plugin/*\/*`), and tags.
 */
export interface Subscription {
  events: readonly string[];
  /** When not empty, only events carrying one of these tags (a record's collection name or id). */
  tags: readonly string[];
}

/** Qelos' name of an event: `auth` / `users` / `user-created`. */
export interface Triple {
  source: string;
  kind: string;
  eventName: string;
}

const TRIPLE = /^([^\s/]+)\/([^\s/]+)\/([^\s/]+)$/;

/** `source/kind/eventName` read as a triple (each field may be `*`); undefined for a catalogue pattern. */
export function tripleOf(pattern: string): Triple | undefined {
  const match = TRIPLE.exec(pattern);
  return match ? { source: match[1] ?? '', kind: match[2] ?? '', eventName: match[3] ?? '' } : undefined;
}

export function tripleMatches(pattern: Triple, triple: Triple): boolean {
  return (['source', 'kind', 'eventName'] as const).every(
    (field) => pattern[field] === '*' || pattern[field] === triple[field],
  );
}

/**
 * A pattern that names no action event that fires (unknown, or of a feature not built); else
 * undefined. Triples are not checked against the catalogue: custom events have any triple.
 */
export function unknownPattern(catalogue: Catalogue, patterns: readonly string[]): string | undefined {
  return patterns.find((pattern) => {
    if (pattern.includes('/')) return tripleOf(pattern) === undefined;
    return !isValidPattern(pattern) || catalogue.namesMatching('action', pattern).length === 0;
  });
}

/** A subscription compiled once, so that matching an event costs no parsing. */
export class CompiledSubscription {
  readonly #patterns: ReturnType<typeof compilePattern>[] = [];
  readonly #triples: Triple[] = [];
  readonly #tags: ReadonlySet<string>;

  constructor(subscription: Subscription) {
    for (const pattern of subscription.events) {
      const triple = tripleOf(pattern);
      if (triple) this.#triples.push(triple);
      else this.#patterns.push(compilePattern(pattern));
    }
    this.#tags = new Set(subscription.tags);
  }

  /** `triple` is asked for only when the subscription has triples. */
  matches(name: string, tags: readonly string[], triple?: () => Triple): boolean {
    if (this.#tags.size > 0 && !tags.some((tag) => this.#tags.has(tag))) return false;
    if (this.#patterns.some((pattern) => matchesPattern(pattern, name))) return true;
    if (this.#triples.length === 0 || !triple) return false;
    const own = triple();
    return this.#triples.some((pattern) => tripleMatches(pattern, own));
  }
}
