import type { Catalogue, Hooks } from '@sluice/hooks';
import type { Logger } from 'pino';
import type { SluiceEvents } from '../catalogue/events.ts';
import type { Cluster } from '../cluster/types.ts';
import type { SchemaCache } from '../collections/store.ts';
import type { CallOptions, HookContext } from '../context.ts';
import type { Database } from '../db/types.ts';
import type { WriteRecorders } from '../writes/recorders.ts';

/**
 * What every module works with: the hooks, the database, the schema, the logger, the cluster.
 * Operations and services take the core (and the services they use), never the assembled app,
 * so that nothing they import leads back to them.
 */
export interface Core {
  readonly hooks: Hooks<SluiceEvents, HookContext>;
  readonly catalogue: Catalogue;
  /** Internal: what runs inside every write's transaction after its SQL (see writes/pipeline.ts). */
  readonly recorders: WriteRecorders;
  readonly database: Database;
  readonly schema: SchemaCache;
  readonly logger: Logger;
  /** What the instances share (Redis), once bootstrapped with a Redis URL; else undefined. */
  readonly cluster: Cluster | undefined;
  readonly env: Record<string, string | undefined>;
  /** The secret auth tokens are signed with (available once started). */
  secret(): string;
  /** Builds a hook context for a call made outside a request. */
  context(options?: CallOptions): HookContext;
}
