import type { RecordData } from '../collections/types.ts';
import type { FieldSelection } from '../filter/index.ts';

/** A string's JSON is at most six characters per character (`\u0000`), plus its quotes. */
const WORST_ESCAPE = 6;
const ELLIPSIS = '...'.length;

/**
 * One record as one kind of client sees it, with the JSON size of each of its values, so that
 * every subscription's message of it can be keyed and sized before anything is built: a `fields`
 * option decides what of the record a message holds, and many different ones select the same.
 */
export class MeasuredRecord {
  /** JSON length of each top-level value. */
  readonly #sizes = new Map<string, number>();
  /** JSON length of the whole record. */
  readonly size: number;

  constructor(readonly record: RecordData) {
    let size = '{}'.length;
    for (const [key, value] of Object.entries(record)) {
      const length = JSON.stringify(value)?.length;
      if (length === undefined) continue;
      this.#sizes.set(key, length);
      size += entryLength(key, length);
    }
    this.size = size + Math.max(0, this.#sizes.size - 1);
  }

  /**
   * The same key for two selections ⇒ the same record from `pickFields`: entries naming no key of
   * the record are left out, and so are those that `*` keeps whole anyway. `expanding`: the
   * record will have an `expand` key by then.
   */
  shapeOf(selection: FieldSelection | null, expanding: boolean): string {
    if (!selection) return WHOLE;
    return canonical(selection, (key) => this.#sizes.has(key) || (expanding && key === 'expand'));
  }

  /** At least the JSON length of `pickFields(record, selection)`, without building it; `expand` aside. */
  sizeOf(selection: FieldSelection | null): number {
    if (!selection || (selection.all && selection.children.size === 0)) return this.size;
    let size = '{}'.length;
    let entries = 0;
    for (const [key, length] of this.#sizes) {
      const child = selection.children.get(key);
      if (!child && !selection.all) continue;
      const excerpt = child?.excerpt;
      // an excerpt drops and collapses characters, and may add an ellipsis
      const excerptLength = excerpt && WORST_ESCAPE * (excerpt.maxLength + ELLIPSIS) + '""'.length;
      size += entryLength(key, excerptLength ? Math.min(length + ELLIPSIS, excerptLength) : length);
      entries++;
    }
    return size + Math.max(0, entries - 1);
  }
}

/** `"key":value` */
function entryLength(key: string, valueLength: number): number {
  return JSON.stringify(key).length + 1 + valueLength;
}

/** A value kept as it is (a leaf such as `title`, or `title.*`: the same). */
const WHOLE = 'W';

function canonical(node: FieldSelection, has: (key: string) => boolean = () => true): string {
  const excerpt = node.excerpt ? `~${node.excerpt.maxLength},${node.excerpt.ellipsis}` : '';
  if (node.children.size === 0) return WHOLE + excerpt;
  const children: string[] = [];
  for (const [name, child] of node.children) {
    if (!has(name)) continue;
    const shape = canonical(child);
    if (node.all && shape === WHOLE) continue;
    children.push(`${JSON.stringify(name)}:${shape}`);
  }
  if (node.all && children.length === 0) return WHOLE + excerpt;
  return `${node.all ? '*' : ''}${excerpt}{${children.sort().join(',')}}`;
}
