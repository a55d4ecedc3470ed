import { verifyWebhook } from './signature.ts';

/**
 * An event as it leaves Sluice (the body of every webhook and plugin delivery): a committed
 * write, or a custom event dispatched by an extension or a plugin.
 */
export interface EventRecord {
  id: string;
  /** ISO 8601, when the event happened. */
  time: string;
  /** Qelos' triple: `auth` / `users` / `user-created`; custom events have the source `plugin:<name>`. */
  source: string;
  kind: string;
  eventName: string;
  /** The catalogue name, e.g. `records.create`; `plugin.event` for custom events. */
  name: string;
  tags: readonly string[];
  /** The id of the user the event is about or who caused it; null for a guest or the system. */
  user: string | null;
  /** The record written (the removed one after a delete), or a custom event's metadata. */
  metadata: Record<string, unknown>;
}

/** Which events a handler wants; `*` on any field matches every value. */
export interface Subscription {
  source: string;
  kind: string;
  eventName: string;
}

/** What a handler receives, in the shape Qelos plugins know. */
export interface HookRequest {
  tenantPayload: Record<string, unknown>;
  user: string | null | undefined;
  body: EventRecord;
}

export type HookHandler = (request: HookRequest) => unknown;

export interface PluginOptions {
  name: string;
  /** Shared with Sluice when the plugin is registered: deliveries are signed with it. */
  secret: string;
  /** Path Sluice POSTs events to. Default `/hook`. */
  hookPath?: string;
}

export interface Manifest {
  name: string;
  hookPath: string;
  subscriptions: Subscription[];
}

function matches(subscription: Subscription, event: EventRecord): boolean {
  return (['source', 'kind', 'eventName'] as const).every(
    (field) => subscription[field] === '*' || subscription[field] === event[field],
  );
}

/**
 * A remote plugin: declares its subscriptions in a manifest Sluice reads, and turns each signed
 * delivery into calls to the matching handlers.
 */
export function createPlugin(options: PluginOptions) {
  const hookPath = options.hookPath ?? '/hook';
  const handlers: { subscription: Subscription; handler: HookHandler }[] = [];

  return {
    registerToHook(subscription: Subscription, handler: HookHandler): () => void {
      const entry = { subscription: { ...subscription }, handler };
      handlers.push(entry);
      return () => {
        const index = handlers.indexOf(entry);
        if (index !== -1) handlers.splice(index, 1);
      };
    },

    manifest(): Manifest {
      return { name: options.name, hookPath, subscriptions: handlers.map((entry) => entry.subscription) };
    },

    /** Verifies a delivery and runs every matching handler; returns how many ran. */
    async handle(headers: Record<string, string | string[] | undefined>, rawBody: string): Promise<number> {
      verifyWebhook(options.secret, headers, rawBody);
      const event = JSON.parse(rawBody) as EventRecord;
      const matching = handlers.filter((entry) => matches(entry.subscription, event));
      for (const { handler } of matching) {
        await handler({ tenantPayload: {}, user: event.user, body: event });
      }
      return matching.length;
    },
  };
}

export type Plugin = ReturnType<typeof createPlugin>;
