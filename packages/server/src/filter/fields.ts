import { invalidParameter } from './errors.ts';
import { MAX_EXPRESSION_LENGTH } from './limits.ts';

/**
 * The `fields` query parameter: which keys of each returned record to keep, e.g.
 * `*,expand.author.name,description:excerpt(200,true)`. `*` keeps every key of its level;
 * a more specific path for a key (`expand.author.name`) narrows that key even under `*`.
 */
export interface FieldSelection {
  all: boolean;
  children: Map<string, FieldSelection>;
  excerpt?: { maxLength: number; ellipsis: boolean };
}

const key = /^[A-Za-z0-9_@-]+$/;
const excerptModifier = /^(.*):excerpt\(\s*(\d+)\s*(?:,\s*(true|false)\s*)?\)$/;

function emptySelection(): FieldSelection {
  return { all: false, children: new Map() };
}

/** `null` when the parameter is empty: everything is kept. */
export function parseFieldsParam(parameter: string): FieldSelection | null {
  if (parameter.length > MAX_EXPRESSION_LENGTH) {
    throw invalidParameter('fields', `the list is longer than ${MAX_EXPRESSION_LENGTH} characters`);
  }
  const root = emptySelection();
  let any = false;
  for (const raw of splitEntries(parameter)) {
    let entry = raw.trim();
    if (entry === '') continue;
    any = true;
    let excerpt: FieldSelection['excerpt'];
    const modifier = excerptModifier.exec(entry);
    if (modifier) {
      entry = modifier[1];
      excerpt = { maxLength: Number(modifier[2]), ellipsis: modifier[3] === 'true' };
    }
    const segments = entry.split('.');
    if (segments.some((segment) => segment !== '*' && !key.test(segment))) {
      throw invalidParameter('fields', `cannot read ${JSON.stringify(raw.trim())}`);
    }
    let node = root;
    for (const [index, segment] of segments.entries()) {
      if (segment === '*') {
        if (index !== segments.length - 1)
          throw invalidParameter('fields', `"*" must end ${JSON.stringify(entry)}`);
        node.all = true;
        break;
      }
      let child = node.children.get(segment);
      if (!child) {
        child = emptySelection();
        node.children.set(segment, child);
      }
      node = child;
    }
    if (excerpt) {
      if (segments.at(-1) === '*') throw invalidParameter('fields', '":excerpt" needs a field name');
      node.excerpt = excerpt;
    }
  }
  return any ? root : null;
}

/** Splits on the commas that are not inside a modifier's parentheses. */
function splitEntries(parameter: string): string[] {
  const entries: string[] = [];
  let depth = 0;
  let start = 0;
  for (let index = 0; index < parameter.length; index++) {
    const char = parameter[index];
    if (char === '(') depth++;
    else if (char === ')') depth = Math.max(0, depth - 1);
    else if (char === ',' && depth === 0) {
      entries.push(parameter.slice(start, index));
      start = index + 1;
    }
  }
  entries.push(parameter.slice(start));
  return entries;
}

/** Applies a selection to a record (or a list of them, as `expand` values can be). */
export function pickFields<T>(value: T, selection: FieldSelection | null): T {
  if (!selection) return value;
  return pick(value, selection) as T;
}

function pick(value: unknown, selection: FieldSelection): unknown {
  if (selection.excerpt && typeof value === 'string') return excerptOf(value, selection.excerpt);
  if (Array.isArray(value)) return value.map((item) => pick(item, selection));
  if (value === null || typeof value !== 'object') return value;
  // A leaf such as `expand.author` keeps the object whole.
  if (!selection.all && selection.children.size === 0) return value;
  const source = value as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const [name, child] of Object.entries(source)) {
    const narrowed = selection.children.get(name);
    if (narrowed) result[name] = pick(child, narrowed);
    else if (selection.all) result[name] = child;
  }
  return result;
}

/** Plain text of at most `maxLength` characters: tags dropped, whitespace collapsed. */
function excerptOf(text: string, { maxLength, ellipsis }: { maxLength: number; ellipsis: boolean }): string {
  const plain = text
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (plain.length <= maxLength) return plain;
  const cut = plain.slice(0, maxLength).trimEnd();
  return ellipsis ? `${cut}...` : cut;
}
