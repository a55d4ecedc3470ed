import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NotRegisteredError } from './errors.ts';
import { servePlugin } from './server.ts';
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
  /** Sluice serves one tenant: always an empty object. */
  tenantPayload: Record<string, unknown>;
  user: string | null;
  body: EventRecord;
}

export type HookHandler = (request: HookRequest) => unknown;

/** What `getSdk().events.dispatch` takes: the source is the plugin's own name (`plugin:` is added). */
export interface DispatchInput {
  user?: string | null;
  source?: string;
  kind: string;
  eventName: string;
  metadata?: Record<string, unknown>;
}

export interface PluginOptions {
  /** Where Sluice is, e.g. `http://127.0.0.1:8090`. */
  sluiceUrl: string;
  /** The key `POST /api/plugins` gave (`slp_…`). */
  key: string;
  /** Where deliveries are served; 0 picks a free port. Default 0. */
  port?: number;
  /** The address to listen on; default every interface. */
  host?: string;
  /** How Sluice reaches this plugin; default `http://127.0.0.1:<port>`. */
  pluginUrl?: string;
  /** The path deliveries are POSTed to. Default `/hook`. */
  hookPath?: string;
  /** The longest wait between two tries at reaching Sluice. Default 5 000 ms. */
  maxRetryMs?: number;
  log?: (message: string) => void;
}

/** Sluice could not be reached yet (no answer, or a 5xx): worth trying again. */
class NotYetAnswered extends Error {}

function matches(subscription: Subscription, event: EventRecord): boolean {
  return (['source', 'kind', 'eventName'] as const).every(
    (field) => subscription[field] === '*' || subscription[field] === event[field],
  );
}

/**
 * A remote plugin: serves the deliveries Sluice sends to its hook (verified, then handed to the
 * matching handlers), registers its subscriptions and hook URL with Sluice, and dispatches
 * custom events.
 */
export function createPlugin(options: PluginOptions) {
  const hookPath = options.hookPath ?? '/hook';
  const maxRetryMs = options.maxRetryMs ?? 5_000;
  const log = options.log ?? ((message: string) => console.log(`[sluice plugin] ${message}`));
  const base = options.sluiceUrl.replace(/\/+$/, '');
  const handlers: { subscription: Subscription; handler: HookHandler }[] = [];
  let secret: string | undefined;
  let server: Server | undefined;
  let started: Promise<void> | undefined;
  let stopped = false;

  /** Calls Sluice until it answers (anything but a network error or a 5xx), waiting longer each time. */
  async function call(path: string, body: unknown): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await fetch(`${base}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${options.key}` },
          body: JSON.stringify(body),
        });
        const answer = (await response.json().catch(() => ({}))) as { message?: string };
        if (response.status >= 500) throw new NotYetAnswered(`Sluice answered ${response.status}.`);
        if (!response.ok)
          throw new Error(`Sluice refused ${path} (${response.status}): ${answer.message ?? ''}`);
        return answer;
      } catch (error) {
        if (stopped || !(error instanceof NotYetAnswered || error instanceof TypeError)) throw error;
        const wait = Math.min(maxRetryMs, 250 * 2 ** attempt);
        if (attempt === 0) log(`Sluice is not answering at ${base} yet; trying again.`);
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  async function register(): Promise<void> {
    const address = server?.address() as AddressInfo;
    const url = options.pluginUrl?.replace(/\/+$/, '') ?? `http://127.0.0.1:${address.port}`;
    const answer = (await call('/api/plugins/register', {
      hookUrl: `${url}${hookPath}`,
      subscriptions: handlers.map((entry) => entry.subscription),
    })) as { name: string; secret: string };
    secret = answer.secret;
    log(
      `Registered with Sluice as "${answer.name}": ${handlers.length} subscription(s), hook ${url}${hookPath}.`,
    );
  }

  const plugin = {
    registerToHook(subscription: Subscription, handler: HookHandler): () => void {
      const entry = { subscription: { ...subscription }, handler };
      handlers.push(entry);
      return () => {
        const index = handlers.indexOf(entry);
        if (index !== -1) handlers.splice(index, 1);
      };
    },

    getSdk() {
      return {
        events: {
          /** Sends a custom event through Sluice (`POST /api/events`), once the plugin is registered. */
          dispatch(input: DispatchInput): Promise<EventRecord> {
            const sent = (async () => {
              // a plugin module registers and dispatches at its top level, and starts just after:
              // waiting a turn lets it start, so that it is subscribed before its event is sent
              await new Promise((resolve) => setImmediate(resolve));
              await started;
              return (await call('/api/events', input)) as EventRecord;
            })();
            sent.catch((error: unknown) => log(`Dispatching an event failed: ${(error as Error).message}`));
            return sent;
          },
        },
      };
    },

    /** Serves the hook, then registers with Sluice (trying until it answers). */
    start(): Promise<void> {
      started ??= (async () => {
        server = servePlugin(plugin, hookPath);
        const listening = server;
        await new Promise<void>((resolve, reject) => {
          listening.once('error', reject);
          listening.listen(options.port ?? 0, options.host, resolve);
        });
        await register();
      })();
      return started;
    },

    async stop(): Promise<void> {
      stopped = true;
      const closing = server;
      server = undefined;
      if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
    },

    /** The port deliveries are served on, once started. */
    get port(): number | undefined {
      return (server?.address() as AddressInfo | null)?.port;
    },

    /** Whether the plugin has its signing secret, i.e. it registered. */
    get registered(): boolean {
      return secret !== undefined;
    },

    /** Verifies a delivery and runs every matching handler, one after another; returns how many ran. */
    async handle(headers: Record<string, string | string[] | undefined>, rawBody: string): Promise<number> {
      if (secret === undefined) throw new NotRegisteredError('Not registered yet.');
      verifyWebhook(secret, headers, rawBody);
      const event = JSON.parse(rawBody) as EventRecord;
      const matching = handlers.filter((entry) => matches(entry.subscription, event));
      for (const { handler } of matching) await handler({ tenantPayload: {}, user: event.user, body: event });
      return matching.length;
    },
  };
  return plugin;
}

export type Plugin = ReturnType<typeof createPlugin>;
