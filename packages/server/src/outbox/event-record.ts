import { randomUUID } from 'node:crypto';
import type { Catalogue } from '@sluice/hooks';
import type { EventRecord } from '@sluice/plugin';
import { isJsonObject } from '../json.ts';
import { SECRET_INPUTS } from '../records/secrets.ts';
import type { Triple } from '../webhooks/patterns.ts';
import type { WriteRecord } from '../writes/recorders.ts';

/** A committed event as it leaves the process (DESIGN §4): what a webhook or a plugin receives. */
export type { EventRecord } from '@sluice/plugin';

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
  derived: Triple,
): Triple {
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

/** The Qelos triple of a write's event. */
export function writeTriple(catalogue: Catalogue, write: WriteRecord): Triple {
  return qelosTriple(catalogue, `${write.context}.${write.action}`, write.tags, derivedTriple(write));
}

function derivedTriple(write: WriteRecord): Triple {
  return { source: write.context, kind: write.collection ?? write.context, eventName: write.action };
}

/**
 * Each write's one record, whichever recorder (the outbox, the event stream) asks first, kept on
 * the write itself (not in a WeakMap: see db/compiled.ts).
 */
const EVENT = Symbol('sluice.event');

type WithEvent = WriteRecord & { [EVENT]?: EventRecord };

/** The event record of a write the pipeline has just made; the same one each time it is asked for. */
export function eventRecordOf(
  catalogue: Catalogue,
  write: WriteRecord,
  user: string | null,
  now = new Date(),
): EventRecord {
  const written = write as WithEvent;
  written[EVENT] ??= newEventRecord(catalogue, write, user, now);
  return written[EVENT];
}

function newEventRecord(
  catalogue: Catalogue,
  write: WriteRecord,
  user: string | null,
  now: Date,
): EventRecord {
  return actionEventRecord(catalogue, {
    name: `${write.context}.${write.action}`,
    tags: write.tags,
    user,
    record: write.record,
    derived: derivedTriple(write),
    now,
  });
}

/**
 * The event record of a committed action event: its Qelos triple from the catalogue (else
 * `derived`), `record` without secrets as its metadata.
 */
export function actionEventRecord(
  catalogue: Catalogue,
  event: {
    name: string;
    tags: readonly string[];
    user: string | null;
    record: unknown;
    derived: Triple;
    now?: Date;
  },
): EventRecord {
  return {
    id: randomUUID(),
    time: (event.now ?? new Date()).toISOString(),
    ...qelosTriple(catalogue, event.name, event.tags, event.derived),
    name: event.name,
    tags: event.tags,
    user: event.user,
    metadata: withoutSecretKeys(event.record) as Record<string, unknown>,
  };
}
