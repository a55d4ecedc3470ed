import type { ActionScope } from '@sluice/hooks';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { SchemaCache } from './collections/store.ts';
import type { RecordData } from './collections/types.ts';

/** Who performs an operation. */
export interface Accountability {
  /** The authenticated record's id, or null for a guest. */
  user: string | null;
  /** The auth collection the user belongs to. */
  collection: string | null;
  /** A superuser (`_superusers`), or the system itself. */
  admin: boolean;
  /** The authenticated record, as rules see it (`@request.auth.*`). */
  record: RecordData | null;
  ip?: string;
}

export const guest: Accountability = Object.freeze({
  user: null,
  collection: null,
  admin: false,
  record: null,
});
export const system: Accountability = Object.freeze({
  user: null,
  collection: null,
  admin: true,
  record: null,
});

/**
 * The services a handler gets as `ctx.services` (`records`, `collections`, `settings`, `mail`,
 * `MailService`). Declared empty here and filled in by app/services.ts, so that the context
 * does not import the services, which import the context.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by declaration merging
export interface HookServices {}

/** The context every filter and action receives (DESIGN §1.7). */
export interface HookContext {
  /** The operation's transaction (filters), or the database (actions, reads). */
  database: Kysely<any>;
  accountability: Accountability;
  request?: FastifyRequest;
  reply?: FastifyReply;
  schema: SchemaCache;
  services: HookServices;
  logger: Logger;
  env: Record<string, string | undefined>;
  /** Shared by every handler of one operation: pass data from a filter to an action, stop loops. */
  state: Record<string, unknown>;
  /** Holds the operation's actions until its transaction commits. */
  scope?: ActionScope;
  /** False when a service call asked for `{ emitEvents: false }`. */
  emitEvents: boolean;
}

/** The owner of the hooks and schedules Sluice registers for itself: not listed among the extensions'. */
export const INTERNAL_OWNER = 'sluice:internal';

/** Whether hooks of `owner` are Sluice's own: `INTERNAL_OWNER`, or a module's `system:<name>`. */
export function isSluiceOwner(owner: string): boolean {
  return owner === INTERNAL_OWNER || owner.startsWith('system:');
}

/** What a caller of a service may pass: anything left out is filled in. */
export type CallOptions = Partial<
  Pick<HookContext, 'database' | 'accountability' | 'request' | 'reply' | 'state' | 'scope' | 'emitEvents'>
>;
