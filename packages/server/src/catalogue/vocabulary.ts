import type { HookKind } from '@sluice/hooks';

/**
 * How names of the vocabularies are written beyond the bare aliases the catalogue stores
 * (`items.create`, `auth.users.user-created`): the Directus object-of-keys form, whose key
 * carries a collection (a tag) and a kind, and Qelos' `{source, kind, eventName}` triples.
 */

/**
 * Contexts of the Directus object-of-keys hooks (`<context>.<action>.<collection>[.before]`):
 * whether a key may name a collection, and whether it has a blocking `.before` form.
 */
export const DIRECTUS_LEGACY_CONTEXTS: Readonly<
  Record<string, { readonly collection: 'required' | 'optional' | 'no'; readonly before: boolean }>
> = {
  items: { collection: 'required', before: true },
  activity: { collection: 'optional', before: true },
  collections: { collection: 'no', before: true },
  fields: { collection: 'optional', before: true },
  files: { collection: 'no', before: true },
  folders: { collection: 'no', before: true },
  permissions: { collection: 'no', before: true },
  presets: { collection: 'optional', before: true },
  relations: { collection: 'no', before: true },
  revisions: { collection: 'no', before: true },
  roles: { collection: 'no', before: true },
  settings: { collection: 'no', before: true },
  users: { collection: 'no', before: true },
  webhooks: { collection: 'no', before: true },
  server: { collection: 'no', before: false },
  auth: { collection: 'no', before: false },
};

/** A name as written by a user, reduced to the alias the catalogue stores plus a kind and tags. */
export interface ParsedName {
  readonly alias: string;
  readonly kind?: HookKind;
  readonly tags?: readonly string[];
}

export interface QelosTriple {
  readonly source: string;
  readonly kind: string;
  readonly eventName: string;
}

const scopeTags = (scope: string | undefined): string[] | undefined =>
  scope === undefined || scope === '*' ? undefined : [scope];

/**
 * A Directus object-of-keys hook key: `<context>.<action>[.<collection>][.before]`. `.before`
 * makes it a filter, otherwise it is an action; the collection becomes a tag (`*` means any).
 * The singular context `item` is read as `items`. Returns undefined for a malformed key.
 */
export function parseDirectusLegacyKey(key: string): ParsedName | undefined {
  const segments = key.split('.');
  let kind: HookKind = 'action';
  if (segments.length > 2 && segments[segments.length - 1] === 'before') {
    kind = 'filter';
    segments.pop();
  }
  if (segments.length < 2 || segments.length > 3 || segments.some((segment) => segment === ''))
    return undefined;
  const context = segments[0] === 'item' ? 'items' : segments[0];
  const [, action, collection] = segments;
  return { alias: `${context}.${action}`, kind, tags: scopeTags(collection) };
}

/** The alias a Qelos `{source, kind, eventName}` triple is stored under. */
export function qelosAlias(triple: QelosTriple): string {
  return `${triple.source}.${triple.kind}.${triple.eventName}`;
}

/** Reads a stored Qelos alias back as its triple. */
export function qelosTriple(alias: string): QelosTriple {
  const [source = '', kind = '', ...rest] = alias.split('.');
  return { source, kind, eventName: rest.join('.') };
}
