import { randomBytes } from 'node:crypto';
import { type Catalogue, type ErrorDetails, InvalidPayloadError } from '@sluice/hooks';
import { unknownPattern } from './patterns.ts';
import type { Webhook } from './store.ts';

/** What a client may set on a webhook. */
export type WebhookInput = Pick<Webhook, 'url' | 'events' | 'tags' | 'secret' | 'enabled' | 'description'>;

const FIELDS = new Set(['url', 'events', 'tags', 'secret', 'enabled', 'description']);
/** `whsec_` then the base64 of 24 to 64 bytes. */
const SECRET = /^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/;

export function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

const problem = (code: string, message: string) => ({ code, message });

function stringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string' && item !== '');
}

/**
 * Checks a create (no `current`) or an update body and returns the webhook's new fields; a 400
 * naming each bad field otherwise. `targetProblem` says why a URL cannot be a target.
 */
export async function webhookInput(
  catalogue: Catalogue,
  body: Record<string, unknown>,
  current: WebhookInput | undefined,
  targetProblem: (url: string) => string | undefined | Promise<string | undefined>,
): Promise<WebhookInput> {
  const problems: ErrorDetails = {};
  for (const key of Object.keys(body))
    if (!FIELDS.has(key)) problems[key] = problem('validation_unknown_field', 'Unknown field.');
  const next: WebhookInput = current
    ? { ...current }
    : { url: '', events: [], tags: [], secret: '', enabled: true, description: '' };
  if ('url' in body || !current) {
    const url = body.url;
    const why = typeof url === 'string' ? await targetProblem(url) : 'Must be a URL.';
    if (why) problems.url = problem('validation_invalid_url', why);
    else next.url = url as string;
  }
  if ('events' in body || !current) {
    const events = body.events;
    if (!stringList(events) || events.length === 0) {
      problems.events = problem('validation_invalid_events', 'Must be a non-empty list of event patterns.');
    } else {
      const unknown = unknownPattern(catalogue, events);
      if (unknown !== undefined)
        problems.events = problem('validation_unknown_event', `"${unknown}" matches no event that fires.`);
      else next.events = [...new Set(events)];
    }
  }
  if (body.tags !== undefined) {
    if (!stringList(body.tags))
      problems.tags = problem('validation_invalid_type', 'Must be a list of strings.');
    else next.tags = [...new Set(body.tags)];
  }
  if (body.secret !== undefined) {
    if (typeof body.secret !== 'string' || !SECRET.test(body.secret))
      problems.secret = problem(
        'validation_invalid_secret',
        'Must be "whsec_" and the base64 of 24 to 64 bytes.',
      );
    else next.secret = body.secret;
  }
  if (!next.secret) next.secret = newSecret();
  if (body.enabled !== undefined) {
    if (typeof body.enabled !== 'boolean')
      problems.enabled = problem('validation_invalid_type', 'Must be a boolean.');
    else next.enabled = body.enabled;
  }
  if (body.description !== undefined) {
    if (typeof body.description !== 'string')
      problems.description = problem('validation_invalid_type', 'Must be a string.');
    else next.description = body.description;
  }
  if (Object.keys(problems).length > 0) throw new InvalidPayloadError('Invalid webhook.', problems);
  return next;
}
