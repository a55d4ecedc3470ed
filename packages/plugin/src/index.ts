import {
  createPlugin,
  type DispatchInput,
  type HookHandler,
  type Plugin,
  type Subscription,
} from './plugin.ts';

export {
  createPlugin,
  type DispatchInput,
  type EventRecord,
  type HookHandler,
  type HookRequest,
  type Plugin,
  type PluginOptions,
  type Subscription,
} from './plugin.ts';
export { servePlugin } from './server.ts';
export { signedHeaders, signPayload, verifyWebhook, WebhookVerificationError } from './signature.ts';

let plugin: Plugin | undefined;

/**
 * The plugin of this process, configured by the environment: `SLUICE_URL`, `SLUICE_PLUGIN_KEY`,
 * `PORT` (default 0: any free one), `HOST`, and `PLUGIN_URL` (how Sluice reaches it; default
 * `http://127.0.0.1:<port>`).
 */
export function defaultPlugin(env: NodeJS.ProcessEnv = process.env): Plugin {
  if (plugin) return plugin;
  const { SLUICE_URL, SLUICE_PLUGIN_KEY, PORT, HOST, PLUGIN_URL } = env;
  if (!SLUICE_URL || !SLUICE_PLUGIN_KEY)
    throw new Error('A Sluice plugin needs SLUICE_URL and SLUICE_PLUGIN_KEY in its environment.');
  plugin = createPlugin({
    sluiceUrl: SLUICE_URL,
    key: SLUICE_PLUGIN_KEY,
    port: PORT ? Number(PORT) : 0,
    host: HOST || undefined,
    pluginUrl: PLUGIN_URL || undefined,
  });
  return plugin;
}

let starting = false;

/** Starts the process's plugin once the module that registers has run to its end. */
function startSoon(target: Plugin): void {
  if (starting) return;
  starting = true;
  setImmediate(() =>
    target.start().catch((error: unknown) => {
      console.error(`[sluice plugin] ${(error as Error).message}`);
      process.exitCode = 1;
      void target.stop();
    }),
  );
}

/**
 * Qelos' `registerToHook`: runs `handler` for each event matching `{source, kind, eventName}`
 * (`*` in any field). The plugin starts serving and registers with Sluice on its own.
 */
export function registerToHook(subscription: Subscription, handler: HookHandler): () => void {
  const target = defaultPlugin();
  const unregister = target.registerToHook(subscription, handler);
  startSoon(target);
  return unregister;
}

/** Qelos' `getSdk()`: `events.dispatch({user, source, kind, eventName, metadata})`. */
export function getSdk(): { events: { dispatch(input: DispatchInput): Promise<unknown> } } {
  return defaultPlugin().getSdk();
}
