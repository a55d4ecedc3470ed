import { randomUUID } from 'node:crypto';
import type { Catalogue } from '@sluice/hooks';
import { isJsonObject } from '../json.ts';
import { SECRET_INPUTS } from '../records/secrets.ts';
import type { WriteRecord } from '../writes/recorders.ts';

/** A committed event as it leaves the process (DESIGN §4): what a webhook receives. */
export interface EventRecord {
  id: string;
  /** ISO 8601, when the write was recorded. */
  time: string;
  /** Qelos' triple: `auth` / `users` / `user-created`, or derived from the name (see `qelosTriple`). */
  source: string;
  kind: string;
  eventName: string;
  /** The canonical event name, e.g. `records.create`. */
  name: string;
  tags: readonly string[];
  /** The id of the caller who made the write; null for a guest or the system. */
  user: string | null;
  /** The record written (the removed one after a delete), without passwords or tokens. */
  metadata: unknown;
}

/** Keys never sent out, whatever the table: the secret inputs, password hashes and signing secrets. */
const SECRET_KEYS: ReadonlySet<string> = new Set([...SECRET_INPUTS, 'passwordHash', 'secret']);

/**
 * The Qelos triple of an event: the catalogue's Qelos alias whose tags the event carries
 * (`auth.users.user-created` for a `users` record), else derived from the write: source the
 * context (`records`), kind the collection's name (or the context again), eventName the action.
 */
export function qelosTriple(
  catalogue: Catalogue,
  name: string,
  tags: readonly string[],
  derived: { source: string; kind: string; eventName: string },
): { source: string; kind: string; eventName: string } {
  for (const alias of catalogue.get(name)?.aliases?.qelos ?? []) {
    const spec = typeof alias === 'string' ? { name: alias } : alias;
    if (spec.tags && !spec.tags.some((tag) => tags.includes(tag))) continue;
    const [source, kind, eventName] = spec.name.split('.');
    if (source && kind && eventName) return { source, kind, eventName };
  }
  return derived;
}

export function withoutSecretKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecretKeys);
  if (!isJsonObject(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (!SECRET_KEYS.has(key)) copy[key] = withoutSecretKeys(item);
  }
  return copy;
}

/** The event record of a write the pipeline has just made. */
export function eventRecordOf(
  catalogue: Catalogue,
  write: WriteRecord,
  user: string | null,
  now = new Date(),
): EventRecord {
  const name = `${write.context}.${write.action}`;
  const triple = qelosTriple(catalogue, name, write.tags, {
    source: write.context,
    kind: write.collection ?? write.context,
    eventName: write.action,
  });
  return {
    id: randomUUID(),
    time: now.toISOString(),
    ...triple,
    name,
    tags: write.tags,
    user,
    metadata: withoutSecretKeys(write.record),
  };
}
