import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AliasTarget, Catalogue, type HookKind, type Vocabulary } from '@sluice/hooks';
import { describe, expect, it } from 'vitest';
import { events } from './events.ts';
import { EVENTS_DOC_PATH, renderEventsDoc } from './generate-docs.ts';
import { DIRECTUS_LEGACY_CONTEXTS, parseDirectusLegacyKey, qelosAlias } from './vocabulary.ts';

const catalogue = new Catalogue(events);

describe('docs/events.md', () => {
  it('is the page generated from the catalogue', () => {
    const actual = existsSync(EVENTS_DOC_PATH) ? readFileSync(EVENTS_DOC_PATH, 'utf8') : '(missing)';
    expect(actual, 'docs/events.md is stale: run npm run docs:events').toBe(renderEventsDoc(events));
  });

  it('is deterministic', () => {
    expect(renderEventsDoc(events)).toBe(renderEventsDoc([...events]));
  });
});

// ── every event named in the source documents is in the catalogue ─────────────────────────

/**
 * The documents whose hook vocabularies Sluice speaks: `../shared/seeds` from the repository
 * root, when present. The names the tests need from them are kept in `document-events.json`,
 * which the first test checks against the documents themselves.
 */
const DOCUMENTS = fileURLToPath(new URL('../../../../../shared/seeds/', import.meta.url));
const DOCUMENT_EVENTS = './document-events.json';

function document(prefix: string): string {
  const file = readdirSync(DOCUMENTS).find((name) => name.startsWith(prefix) && name.endsWith('.txt'));
  if (!file) throw new Error(`No document ${prefix}*.txt in ${DOCUMENTS}.`);
  return readFileSync(join(DOCUMENTS, file), 'utf8');
}

/** What the documents name, read from them. */
function documentEvents() {
  const directus = document('003_');
  return {
    pocketbase: [...new Set(document('004_').match(/\bon[A-Z]\w+/g) ?? [])].sort(),
    directus: {
      systemCollections: [...between(directus, 'system collection names', ':::').matchAll(/`(\w+)`/g)].map(
        (match) => match[1]!,
      ),
      filter: firstCells(between(directus, '### Filter', '### Action')),
      action: firstCells(between(directus, '### Action', '### Init')),
      init: firstCells(between(directus, '### Init', '### Schedule')),
    },
    directusLegacy: [
      ...between(document('002_'), '### Event Scope Options', '## 3.').matchAll(
        /^\|\s*`(\w+)`\s*\|([^|]*)\|([^|]*)\|([^|]*)\|/gm,
      ),
    ].map(([, context, actionsCell, collectionCell, beforeCell]) => ({
      context: context!,
      actions: [...actionsCell!.matchAll(/`(\w+)`/g)].map((match) => match[1]!),
      collection: collectionCell!.trim().toLowerCase(),
      before: beforeCell!.trim() === 'Optional',
    })),
    kuzzle: [...document('001_').matchAll(/app\.(pipe|hook)\.register\(\s*'([^']+)'/g)].map(
      ([, via, name]) => ({
        via: via as 'pipe' | 'hook',
        name: name!,
      }),
    ),
    qelos: [...document('000_').matchAll(/^\|\s*([\w:-]+)\s*\|\s*([\w-]+)\s*\|\s*([\w-]+)\s*\|\s*$/gm)]
      .map(([, source, kind, eventName]) => ({ source: source!, kind: kind!, eventName: eventName! }))
      .filter((row) => row.source !== 'source' && !/^-+$/.test(row.source)),
  };
}

type DocumentEvents = ReturnType<typeof documentEvents>;

const named = JSON.parse(readFileSync(new URL(DOCUMENT_EVENTS, import.meta.url), 'utf8')) as DocumentEvents;

describe.skipIf(!existsSync(DOCUMENTS))('document-events.json', () => {
  it('holds what the source documents name (vitest -u rewrites it)', async () => {
    await expect(`${JSON.stringify(documentEvents(), null, 2)}\n`).toMatchFileSnapshot(DOCUMENT_EVENTS);
  });
});

/** What one name of a document must resolve to. */
interface Expectation {
  /** The name as the document writes it (for the failure message). */
  readonly name: string;
  readonly vocabulary: Exclude<Vocabulary, 'canonical'>;
  /** The alias looked up in the catalogue. */
  readonly alias: string;
  /** At least one target must be usable as one of these kinds. */
  readonly kinds?: readonly HookKind[];
  /** A target restricted to tags must share one of these (a collection scope). */
  readonly scope?: readonly string[];
  /** Every usable target must be restricted to one of these tags. */
  readonly requiredTags?: readonly string[];
}

function usable(target: AliasTarget, expectation: Expectation): boolean {
  if (expectation.kinds) {
    const kinds = target.kind ? [target.kind] : target.row.kinds;
    if (!kinds.some((kind) => expectation.kinds!.includes(kind) && target.row.kinds.includes(kind)))
      return false;
  }
  if (expectation.scope && target.tags && !target.tags.some((tag) => expectation.scope!.includes(tag))) {
    return false;
  }
  return true;
}

/** The names that resolve to no row, each with what was asked. */
function unresolved(expectations: readonly Expectation[]): string[] {
  const failures: string[] = [];
  for (const expectation of expectations) {
    const targets = catalogue
      .resolveAlias(expectation.vocabulary, expectation.alias)
      .filter((target) => usable(target, expectation));
    const what = `${expectation.vocabulary} ${expectation.name}${expectation.kinds ? ` (${expectation.kinds.join('/')})` : ''}`;
    if (targets.length === 0) failures.push(what);
    else if (
      expectation.requiredTags &&
      !targets.every((target) => target.tags?.some((tag) => expectation.requiredTags!.includes(tag)))
    ) {
      failures.push(`${what}: not restricted to ${expectation.requiredTags.join(', ')}`);
    }
  }
  return failures;
}

/** First cells of the markdown table rows of a text (rows may be on one line, as `| … | | … |`). */
function firstCells(text: string): string[] {
  return text
    .replace(/\|[ \t]+\|/g, '|\n|')
    .split('\n')
    .map((line) => /^\s*\|\s*`([^`]+)`\s*\|/.exec(line)?.[1])
    .filter((cell): cell is string => cell !== undefined);
}

function between(text: string, start: string, end: string): string {
  const from = text.indexOf(start);
  if (from < 0) throw new Error(`"${start}" not found in the document.`);
  const to = text.indexOf(end, from + start.length);
  return text.slice(from + start.length, to < 0 ? undefined : to);
}

describe('the catalogue names every event of the source documents', () => {
  it('PocketBase: every on* hook', () => {
    const names = named.pocketbase;
    expect(names.length).toBeGreaterThan(80);
    const expectations = names.map(
      (name): Expectation => ({
        name,
        vocabulary: 'pocketbase',
        alias: name,
        kinds: name.includes('Before')
          ? ['filter', 'init']
          : name.includes('After')
            ? ['action', 'init']
            : undefined,
        requiredTags: /^on(Admin|Mailer(Before|After)Admin)/.test(name) ? ['_superusers'] : undefined,
      }),
    );
    expect(unresolved(expectations)).toEqual([]);
  });

  it('Directus: the filter, action and init tables, scoped and system-collection forms', () => {
    const { systemCollections } = named.directus;
    expect(systemCollections).toContain('users');
    const expectations: Expectation[] = [];
    for (const kind of ['filter', 'action', 'init'] as const) {
      const names = named.directus[kind];
      expect(names.length, `${kind} table`).toBeGreaterThan(5);
      for (const name of names) {
        const items = /^\((?:<collection>)?\.\)(items\.\w+)$/.exec(name);
        const system = /^(?:<system-collection>)?\.(\w+)$/.exec(name);
        if (items) {
          const alias = items[1]!;
          expectations.push({ name: alias, vocabulary: 'directus', alias, kinds: [kind] });
          expectations.push({
            name: `articles.${alias}`,
            vocabulary: 'directus',
            alias,
            kinds: [kind],
            scope: ['articles'],
          });
        } else if (system) {
          for (const collection of systemCollections) {
            const alias = `${collection}.${system[1]}`;
            expectations.push({ name: alias, vocabulary: 'directus', alias, kinds: [kind] });
          }
        } else {
          expectations.push({ name, vocabulary: 'directus', alias: name, kinds: [kind] });
        }
      }
    }
    expect(unresolved(expectations)).toEqual([]);
  });

  it('Directus legacy keys: every context and action of the scope table', () => {
    const rows = named.directusLegacy;
    expect(rows.length).toBeGreaterThan(10);
    const expectations: Expectation[] = [];
    for (const { context, actions, collection, before } of rows) {
      expect(DIRECTUS_LEGACY_CONTEXTS[context], context).toEqual({ collection, before });
      for (const action of actions) {
        const bases =
          collection === 'required'
            ? [`${context}.${action}.articles`]
            : collection === 'optional'
              ? [`${context}.${action}`, `${context}.${action}.articles`]
              : [`${context}.${action}`];
        const keys = before ? [...bases, ...bases.map((key) => `${key}.before`)] : bases;
        for (const key of keys) {
          const parsed = parseDirectusLegacyKey(key);
          expect(parsed, key).toBeDefined();
          expectations.push({
            name: key,
            vocabulary: 'directus-legacy',
            alias: parsed!.alias,
            kinds: [parsed!.kind!],
            scope: parsed!.tags,
          });
        }
      }
    }
    expect(unresolved(expectations)).toEqual([]);
  });

  it('Kuzzle: the pipes and hooks the document registers', () => {
    const registered = named.kuzzle;
    expect(registered.map(({ name }) => name)).toEqual(
      expect.arrayContaining(['server:afterNow', 'generic:document:beforeGet', 'hook:onError']),
    );
    const expectations = registered.map(
      ({ via, name }): Expectation => ({
        name: `${via} ${name}`,
        vocabulary: 'kuzzle',
        alias: name,
        kinds: [via === 'pipe' ? 'filter' : 'action'],
      }),
    );
    expect(unresolved(expectations)).toEqual([]);
  });

  it('Qelos: every {source, kind, eventName} of the event table', () => {
    const rows = named.qelos;
    expect(rows.length).toBeGreaterThan(10);
    const expectations = rows.map(
      (triple): Expectation => ({
        name: JSON.stringify(triple),
        vocabulary: 'qelos',
        alias: qelosAlias(triple),
        kinds: ['action'],
      }),
    );
    expect(unresolved(expectations)).toEqual([]);
  });
});
