import { type Catalogue, compilePattern, isValidPattern, matchesPattern } from '@sluice/hooks';

/** What a webhook subscribes to: catalogue patterns (`records.create`, `records.*`) and tags. */
export interface Subscription {
  events: readonly string[];
  /** When not empty, only events carrying one of these tags (a record's collection name or id). */
  tags: readonly string[];
}

/** A pattern that names no action event that fires (unknown, or of a feature not built); else undefined. */
export function unknownPattern(catalogue: Catalogue, patterns: readonly string[]): string | undefined {
  return patterns.find(
    (pattern) => !isValidPattern(pattern) || catalogue.namesMatching('action', pattern).length === 0,
  );
}

/** A subscription compiled once, so that matching an event costs no parsing. */
export class CompiledSubscription {
  readonly #patterns: ReturnType<typeof compilePattern>[];
  readonly #tags: ReadonlySet<string>;

  constructor(subscription: Subscription) {
    this.#patterns = subscription.events.map(compilePattern);
    this.#tags = new Set(subscription.tags);
  }

  matches(name: string, tags: readonly string[]): boolean {
    if (this.#tags.size > 0 && !tags.some((tag) => this.#tags.has(tag))) return false;
    return this.#patterns.some((pattern) => matchesPattern(pattern, name));
  }
}
