import type { Catalogue, exceptions, Hooks, Logger } from '@sluice/hooks';
import type { EventRecord } from '@sluice/plugin';
import type { Kysely } from 'kysely';
import type { SchemaCache } from '../collections/store.ts';
import type { HookServices } from '../context.ts';
import type { CustomRoute } from './custom-routes.ts';

/** The source forms an extension file may be written in (DESIGN §2). */
export type VocabularyName = 'canonical' | 'directus' | 'directus-legacy' | 'pocketbase' | 'kuzzle' | 'qelos';

/** Who performs an operation, as handlers see it in `ctx.accountability`. */
export interface HandlerAccountability {
  user: string | null;
  collection: string | null;
  admin: boolean;
  record?: Record<string, unknown> | null;
}

/**
 * The part of the handler context (DESIGN §1.7) the vocabulary adapters read. The server
 * passes its full context; adapters hand it on untouched.
 */
export interface HandlerContext {
  database?: any;
  accountability?: HandlerAccountability;
  request?: any;
  schema?: any;
  services?: any;
  logger?: any;
  env?: Record<string, string | undefined>;
  state?: Record<string, unknown>;
  scope?: unknown;
}

/** What an extension dispatches: Qelos' `getSdk().events.dispatch(…)` and `context.events.dispatch(…)`. */
export interface PluginEventInput {
  user?: string | null;
  /** Defaults to the extension's id; always stored with the `plugin:` prefix. */
  source?: string;
  kind: string;
  eventName: string;
  metadata?: Record<string, unknown>;
}

/** The event record of a dispatched custom event: the meta of the `plugin.event` action. */
export type PluginEvent = EventRecord;

export type DispatchEvent = (event: PluginEventInput, ctx?: HandlerContext) => PluginEvent;

/** Sends a finished event record on its way (by default: the `plugin.event` action). */
export type PluginEventSender = (event: PluginEvent, ctx?: HandlerContext) => void;

/** The second argument of a hook file's register function (DESIGN §3). */
export interface ExtensionContext {
  /** `records`, `collections`, `settings`, `mail`, `MailService`: pass a hook's `ctx` to join its transaction. */
  services: HookServices;
  exceptions: typeof exceptions;
  /** The database (Kysely); inside a filter, prefer `ctx.database`, the operation's transaction. */
  database: Kysely<any>;
  getSchema: () => Promise<SchemaCache>;
  env: Record<string, string | undefined>;
  logger: Logger;
  events: { dispatch: DispatchEvent };
}

/** What every vocabulary adapter is built from, once per extension. */
export interface VocabularyContext {
  hooks: Hooks<any, any>;
  catalogue: Catalogue;
  /** Every hook the adapter registers carries it, so hot reload can remove them together. */
  owner: string;
  /** Already names the extension on each line: an adapter adds no `extension` key of its own. */
  logger: Logger;
  dispatch: DispatchEvent;
  /** Where PocketBase's `routerAdd` puts the extension's routes. */
  routes?: CustomRoute[];
}

/** The parts of the extension context only the server has. */
export type ServerContext = Pick<ExtensionContext, 'services' | 'database' | 'getSchema'>;
