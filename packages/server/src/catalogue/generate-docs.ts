import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AliasSpec, CatalogueRow, HookKind, Vocabulary } from '@sluice/hooks';
import { events } from './events.ts';
import { DIRECTUS_LEGACY_CONTEXTS, qelosTriple } from './vocabulary.ts';

/**
 * Renders docs/events.md from the catalogue. Run `npm run docs:events` after changing
 * events.ts; a test fails while the page is stale.
 */

type AliasVocabulary = Exclude<Vocabulary, 'canonical'>;

/** Groups of the page, by the first segment of the event names; unknown segments get their own. */
const GROUPS: readonly (readonly [title: string, segments: readonly string[]])[] = [
  ['Records', ['records']],
  ['Models', ['model']],
  ['Collections', ['collections']],
  ['Fields and relations', ['fields', 'relations']],
  ['Presets', ['presets']],
  ['Settings', ['settings']],
  ['Auth', ['auth']],
  ['Roles and permissions', ['roles', 'permissions']],
  ['Mail', ['mailer']],
  ['Realtime', ['realtime']],
  ['Files', ['files', 'folders']],
  ['Activity and revisions', ['activity', 'revisions']],
  ['HTTP', ['request', 'response', 'api', 'database']],
  ['Life of the app', ['server', 'app', 'cli', 'routes', 'middlewares']],
  ['Hooks, plugins and webhooks', ['hook', 'plugin', 'plugins', 'webhooks']],
];

const VOCABULARIES: readonly (readonly [AliasVocabulary, string])[] = [
  ['directus', 'Directus'],
  ['directus-legacy', 'Directus legacy keys'],
  ['pocketbase', 'PocketBase'],
  ['kuzzle', 'Kuzzle'],
  ['qelos', 'Qelos'],
];

const INTRO = `# Events

<!-- Generated from packages/server/src/catalogue/events.ts by \`npm run docs:events\`. Do not edit by hand. -->

Every operation Sluice performs flows through a named event, and code can hook into each one.
This page lists every event of the catalogue: its canonical name, the kinds of handler it
accepts, its tags, what its handlers receive, and the names it has in the PocketBase,
Directus, Kuzzle and Qelos vocabularies, which Sluice understands as well as its own.

## How hooks run

- **filter** — runs before the operation, inside its transaction, awaited one after
  another. It receives \`(payload, meta, ctx)\`; returning a value replaces the payload,
  returning nothing keeps it, and throwing aborts the operation and rolls the transaction
  back (the client gets the typed error). Returning \`false\` stops the chain: the filters
  after it do not run, and the event says below what a stop means for it; otherwise the
  operation goes on.
- **action** — runs after the operation committed (never after a rollback), and the
  request does not wait for it. It receives \`(meta, ctx)\`. Its errors are caught and
  emitted as \`hook.error\`.
- **init** — runs at a point of the app's life (bootstrap, routes, middlewares, server
  start and stop, terminate, command line), awaited; it may change the meta object (for
  example add routes to the app). A throw at bootstrap stops start-up.
- **schedule** — runs on a cron expression (5 or 6 fields, names of days and months are
  accepted) rather than on an event; overlapping runs are skipped and errors are emitted
  as \`hook.error\`.

**Names and patterns.** Names are dot-separated segments. A pattern may use \`*\` for exactly
one whole segment: \`auth.*\` matches \`auth.login\` but not \`auth.password_reset.request\`
(three segments; \`auth.*.*\` matches that one), and \`*.create\` matches every create.

**Every event fires.** Each event below has an operation behind it, and the test suite fails
if one of them never fires during a run. An event of a feature not built yet would be listed
under the name it will have, marked *not available yet*: nothing would fire it, registering a
handler on it fails with \`SLUICE_ERR_EVENT_UNAVAILABLE\` naming the missing feature, and a
pattern with \`*\` does not match it.

**Tags.** Many events carry tags — for record events the collection's name and id, for
model events the table name. A registration may restrict itself to tags
(\`{ tags: ['users', 'members'] }\`): it then runs only when the event carries one of them.

**Order.** Handlers of one event run in ascending \`priority\` (default 0), then in the order
they were registered. Extensions load in a fixed order (folder name, then file name), so
the order is the same on every start.

## Names in other vocabularies

- **Directus** — \`filter(name, fn)\`, \`action(name, fn)\`, \`init(name, fn)\`. Item events may be
  scoped to a collection, \`articles.items.create\`; the scope becomes a tag.
- **Directus legacy keys** — an object of keys \`<context>.<action>.<collection>[.before]\`:
  a key ending in \`.before\` is a filter, any other key an action; \`*\` stands for any action
  or any collection, and the collection becomes a tag.
- **PocketBase** — \`onRecordBeforeCreateRequest(fn, 'users', 'members')\`: \`…Before…\` hooks are
  filters, \`…After…\` hooks actions; the trailing arguments are tags; throwing or returning
  \`false\` stops the chain. The \`onAdmin…\` hooks are the hooks of the \`_superusers\`
  collection.
- **Kuzzle** — \`app.pipe.register(event, fn)\` registers a filter (a pipe),
  \`app.hook.register(event, fn)\` an action (a hook); \`hook:onError\` is \`hook.error\`.
- **Qelos** — \`registerToHook({source, kind, eventName}, fn)\` registers an action; each field
  may be \`*\`. Events dispatched by plugins arrive as \`plugin.event\` with the source
  \`plugin:<name>\`.

When a name stands for only part of an event, that part is noted after it: the kind
(\`onRecordBeforeCreateRequest\` (filter)) and/or the tags it is limited to
(\`onAdminBeforeCreateRequest\` (filter, tag \`_superusers\`)). One registration never runs
twice for one operation, even when the operation is known under several of its names.
`;

const code = (text: string): string => `\`${text}\``;

function groupOf(name: string): string {
  const segment = name.split('.')[0]!;
  for (const [title, segments] of GROUPS) if (segments.includes(segment)) return title;
  return segment[0]!.toUpperCase() + segment.slice(1);
}

function slug(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/ /g, '-');
}

function note(kind: string | undefined, tags: readonly string[] | undefined): string {
  const parts: string[] = [];
  if (kind) parts.push(kind);
  if (tags && tags.length > 0)
    parts.push(`${tags.length === 1 ? 'tag' : 'tags'} ${tags.map(code).join(', ')}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

const asSpec = (alias: string | AliasSpec): AliasSpec =>
  typeof alias === 'string' ? { name: alias } : alias;

/** The legacy keys an alias stands for: with the collection where the context takes one, and `.before`. */
function legacyKeys(row: CatalogueRow, spec: AliasSpec): string[] {
  const context = spec.name.split('.')[0]!;
  const info = DIRECTUS_LEGACY_CONTEXTS[context] ?? { collection: 'no', before: true };
  const bases =
    info.collection === 'required'
      ? [`${spec.name}.<collection>`]
      : info.collection === 'optional'
        ? [spec.name, `${spec.name}.<collection>`]
        : [spec.name];
  const kinds: HookKind[] = spec.kind ? [spec.kind] : row.kinds.filter((kind) => kind !== 'init');
  const keys: string[] = [];
  if (kinds.includes('action') || !info.before) keys.push(...bases);
  if (kinds.includes('filter') && info.before) keys.push(...bases.map((base) => `${base}.before`));
  return keys;
}

function renderAlias(vocabulary: AliasVocabulary, row: CatalogueRow, alias: string | AliasSpec): string {
  const spec = asSpec(alias);
  switch (vocabulary) {
    case 'directus': {
      const names = spec.name.startsWith('items.') ? [spec.name, `<collection>.${spec.name}`] : [spec.name];
      return names.map(code).join(', ') + note(spec.kind, spec.tags);
    }
    case 'directus-legacy':
      return legacyKeys(row, spec).map(code).join(', ') + note(undefined, spec.tags);
    case 'kuzzle': {
      const kind = spec.kind === 'filter' ? 'pipe' : spec.kind === 'action' ? 'hook' : undefined;
      return code(spec.name) + note(kind, spec.tags);
    }
    case 'qelos': {
      const { source, kind, eventName } = qelosTriple(spec.name);
      return (
        code(`{source: '${source}', kind: '${kind}', eventName: '${eventName}'}`) + note(undefined, spec.tags)
      );
    }
    default:
      return code(spec.name) + note(spec.kind, spec.tags);
  }
}

function renderRow(row: CatalogueRow): string {
  const lines = [`### ${code(row.name)}`, ''];
  if (row.missingFeature) {
    lines.push(
      `> **Not available yet:** Sluice has no ${row.missingFeature} yet, so nothing fires this event and registering a handler on it fails with ${code('SLUICE_ERR_EVENT_UNAVAILABLE')}.`,
      '',
    );
  }
  lines.push(row.description, '');
  lines.push(`- **Kinds:** ${row.kinds.join(', ')}`);
  if (row.tags) lines.push(`- **Tags:** ${row.tags}`);
  if (row.payload) lines.push(`- **Payload:** ${row.payload}`);
  if (row.meta) lines.push(`- **Meta:** ${row.meta}`);
  for (const [vocabulary, label] of VOCABULARIES) {
    const aliases = row.aliases?.[vocabulary];
    if (!aliases || aliases.length === 0) continue;
    lines.push(`- **${label}:** ${aliases.map((alias) => renderAlias(vocabulary, row, alias)).join('; ')}`);
  }
  return lines.join('\n');
}

/** The whole docs/events.md page for a catalogue table. Deterministic: same rows, same text. */
export function renderEventsDoc(rows: readonly CatalogueRow[]): string {
  const groups = new Map<string, CatalogueRow[]>();
  for (const [title] of GROUPS) groups.set(title, []);
  for (const row of rows) {
    const title = groupOf(row.name);
    const members = groups.get(title) ?? [];
    members.push(row);
    groups.set(title, members);
  }
  const filled = [...groups].filter(([, members]) => members.length > 0);

  const parts = [INTRO, '## Contents', ''];
  for (const [title, members] of filled) {
    const names = members.map((row) => code(row.name) + (row.missingFeature ? ' (not available yet)' : ''));
    parts.push(`- [${title}](#${slug(title)}): ${names.join(', ')}`);
  }
  for (const [title, members] of filled) {
    parts.push('', `## ${title}`);
    for (const row of members) parts.push('', renderRow(row));
  }
  return `${parts.join('\n')}\n`;
}

/** Where the page lives: docs/events.md at the root of the repository. */
export const EVENTS_DOC_PATH = fileURLToPath(new URL('../../../../docs/events.md', import.meta.url));

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(EVENTS_DOC_PATH, renderEventsDoc(events));
  console.log(`Wrote ${EVENTS_DOC_PATH} (${events.length} events).`);
}
