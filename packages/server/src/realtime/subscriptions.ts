import { InvalidPayloadError } from '@sluice/hooks';

export const MAX_SUBSCRIPTIONS = 1000;
export const MAX_SUBSCRIPTION_LENGTH = 2500;

/**
 * One subscription, as PocketBase's clients write it: `posts` or `posts/*` (every record of the
 * collection, by name or id), `posts/RECORD_ID` (one record), optionally followed by
 * `?options={"query":{…},"headers":{…}}` (URL-encoded). Any other topic is accepted and kept;
 * record changes never match it.
 */
export interface Subscription {
  /** The subscription exactly as the client sent it: messages are sent under this name. */
  topic: string;
  /** The collection's name or id, as written. */
  target: string;
  /** `*` for every record, or one record's id. */
  recordId: string;
  /** `filter`, `expand`, `fields` … as strings; also `@request.query.*` for the API rules. */
  query: Record<string, string>;
  /** Header names lower-cased with `-` as `_`, as `@request.headers.*` reads them. */
  headers: Record<string, string>;
  /** Same options ⇒ same key: rule checks are shared between such subscriptions. */
  optionsKey: string;
}

/** Checks the body's `subscriptions` (a list of strings, or nothing for none). */
export function subscriptionList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const invalid = (message: string) =>
    new InvalidPayloadError('Failed to set the subscriptions.', {
      subscriptions: { code: 'validation_invalid_subscriptions', message },
    });
  if (!Array.isArray(value)) throw invalid('Must be a list of topics.');
  if (value.length > MAX_SUBSCRIPTIONS) throw invalid(`At most ${MAX_SUBSCRIPTIONS} subscriptions.`);
  for (const topic of value) {
    if (typeof topic !== 'string' || topic === '' || topic.length > MAX_SUBSCRIPTION_LENGTH)
      throw invalid(`Each topic must be a string of 1 to ${MAX_SUBSCRIPTION_LENGTH} characters.`);
    // the topic becomes an SSE event name: a line break would end it
    if (/[\r\n]/.test(topic)) throw invalid('A topic may not contain a line break.');
  }
  return [...new Set(value as string[])];
}

export function parseSubscription(topic: string): Subscription {
  const mark = topic.indexOf('?');
  const path = mark < 0 ? topic : topic.slice(0, mark);
  const slash = path.indexOf('/');
  const target = slash < 0 ? path : path.slice(0, slash);
  const recordId = slash < 0 ? '*' : path.slice(slash + 1) || '*';
  const query: Record<string, string> = {};
  const headers: Record<string, string> = {};
  let optionsKey = '';
  if (mark >= 0) {
    const raw = new URLSearchParams(topic.slice(mark + 1)).get('options');
    if (raw) {
      let options: unknown;
      try {
        options = JSON.parse(raw);
      } catch {
        throw new InvalidPayloadError('Failed to set the subscriptions.', {
          subscriptions: { code: 'validation_invalid_options', message: `Invalid options of "${path}".` },
        });
      }
      const { query: q, headers: h } = (options ?? {}) as { query?: unknown; headers?: unknown };
      for (const [name, value] of entries(q)) query[name] = text(value);
      for (const [name, value] of entries(h)) headers[name.toLowerCase().replaceAll('-', '_')] = text(value);
      optionsKey = JSON.stringify([query, headers]);
    }
  }
  return { topic, target, recordId, query, headers, optionsKey };
}

function entries(value: unknown): [string, unknown][] {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value) : [];
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
