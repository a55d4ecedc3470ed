import { InvalidPayloadError } from '@sluice/hooks';
import { type FieldSelection, parseFieldsParam } from '../filter/index.ts';

export const MAX_SUBSCRIPTION_LENGTH = 2500;

/**
 * One subscription, as PocketBase's clients write it: `posts` or `posts/*` (every record of the
 * collection, by name or id), `posts/RECORD_ID` (one record), optionally followed by
 * `?options={"query":{…},"headers":{…}}` (URL-encoded). A topic naming no collection is refused
 * when the client subscribes (see `Realtime.subscribe`).
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
  /** Same options ⇒ same key ('' without options). */
  optionsKey: string;
  /** The `fields` option, read once. */
  fields: FieldSelection | null;
}

const invalid = (code: string, message: string) =>
  new InvalidPayloadError('Failed to set the subscriptions.', { subscriptions: { code, message } });

/** The 400 for one subscription that could never get a message, naming it and why. */
export function invalidSubscription(topic: string, reason: string): InstanceType<typeof InvalidPayloadError> {
  return invalid('validation_invalid_subscription', `Subscription ${JSON.stringify(topic)}: ${reason}`);
}

/** Checks the body's `subscriptions` (a list of strings, or nothing for none), at most `max` of them. */
export function subscriptionList(value: unknown, max: number): string[] {
  if (value === undefined || value === null) return [];
  const code = 'validation_invalid_subscriptions';
  if (!Array.isArray(value)) throw invalid(code, 'Must be a list of topics.');
  if (value.length > max)
    throw invalid('validation_length_too_long', `At most ${max} subscriptions per client.`);
  for (const topic of value) {
    if (typeof topic !== 'string' || topic === '' || topic.length > MAX_SUBSCRIPTION_LENGTH)
      throw invalid(code, `Each topic must be a string of 1 to ${MAX_SUBSCRIPTION_LENGTH} characters.`);
    // the topic becomes an SSE event name: a line break would end it
    if (/[\r\n]/.test(topic)) throw invalid(code, 'A topic may not contain a line break.');
  }
  return [...new Set(value as string[])];
}

/**
 * Parses a client's topics, of which at most `maxOptions` distinct `options`: each one costs its
 * own rule checks and, with `fields` or `expand`, possibly its own message of every change.
 */
export function parseSubscriptions(topics: string[], maxOptions: number): Subscription[] {
  const subscriptions = topics.map(parseSubscription);
  const options = new Set(subscriptions.map((subscription) => subscription.optionsKey));
  options.delete('');
  if (options.size > maxOptions) {
    throw invalid('validation_too_many_options', `At most ${maxOptions} distinct options per client.`);
  }
  return subscriptions;
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
        throw invalid('validation_invalid_options', `Invalid options of "${path}".`);
      }
      const { query: q, headers: h } = (options ?? {}) as { query?: unknown; headers?: unknown };
      for (const [name, value] of entries(q)) query[name] = text(value);
      for (const [name, value] of entries(h)) headers[name.toLowerCase().replaceAll('-', '_')] = text(value);
      optionsKey = JSON.stringify([query, headers]);
    }
  }
  let fields: FieldSelection | null;
  try {
    fields = parseFieldsParam(query.fields ?? '');
  } catch (error) {
    throw invalid('validation_invalid_options', `${(error as Error).message} (options of "${path}")`);
  }
  return { topic, target, recordId, query, headers, optionsKey, fields };
}

function entries(value: unknown): [string, unknown][] {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value) : [];
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
