import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Catalogue, createHooks, type Hooks } from '@sluice/hooks';
import { Cron } from 'croner';
import type { Logger } from 'pino';
import { grantsOf } from '../access/grants.ts';
import { registerAccessRoutes } from '../access/routes.ts';
import { startActivityLog } from '../activity/log.ts';
import { registerActivityRoutes } from '../activity/routes.ts';
import { registerAdminRoutes } from '../admin/routes.ts';
import { SUPERUSERS } from '../auth/accountability.ts';
import { registerAuthRoutes } from '../auth/routes.ts';
import { registerBackups } from '../backups/routes.ts';
import { registerBatchRoutes } from '../batch/routes.ts';
import { events, type SluiceEvents } from '../catalogue/events.ts';
import { recordFiredEvents } from '../catalogue/fired-events.ts';
import { openCluster } from '../cluster/index.ts';
import { type ClusterMembership, joinCluster } from '../cluster/sync.ts';
import type { Cluster } from '../cluster/types.ts';
import { collectionReferencesRecorder } from '../collections/collection-references.ts';
import { registerCollectionRoutes } from '../collections/routes.ts';
import { SchemaCache } from '../collections/store.ts';
import { type CallOptions, type HookContext, system } from '../context.ts';
import { registerCronRoutes } from '../crons/routes.ts';
import { openDatabase } from '../db/index.ts';
import { migrate } from '../db/migrations.ts';
import { registerEventRoutes } from '../events/routes.ts';
import { streamRecorder } from '../events/stream.ts';
import { type CustomRoutes, registerCustomRoutes } from '../extensions/custom-routes.ts';
import { defineHook } from '../extensions/define.ts';
import {
  discoverAll,
  type LoadedExtension,
  type LoadOptions,
  loadExtension,
  loadExtensions,
} from '../extensions/loader.ts';
import { shareOwnModules } from '../extensions/own-modules.ts';
import { registerHookRoutes } from '../extensions/routes.ts';
import { type ExtensionWatcher, watchExtensions } from '../extensions/watcher.ts';
import { registerFilesLibraryRoutes } from '../files/library/routes.ts';
import { registerFileRoutes } from '../files/routes.ts';
import { ANY_ORIGIN } from '../http/headers.ts';
import { createHttp, registerMiddlewares } from '../http/server.ts';
import { registerSystemRoutes } from '../http/system-routes.ts';
import { createLogger } from '../logger.ts';
import { recordRequests } from '../logs/record.ts';
import { registerLogRoutes } from '../logs/routes.ts';
import { outboxRecorder } from '../outbox/recorder.ts';
import { DeliveryWorker } from '../outbox/worker.ts';
import { registerPluginRoutes } from '../plugins/routes.ts';
import { registerPresetRoutes } from '../presets/routes.ts';
import { registerRealtimeRoutes } from '../realtime/routes.ts';
import { registerRecordRoutes } from '../records/routes.ts';
import { relationsRecorder } from '../relations/sync.ts';
import { registerSettingsRoutes } from '../settings/routes.ts';
import { registerStorageTestRoutes } from '../storage/routes.ts';
import { registerWebhookRoutes } from '../webhooks/routes.ts';
import { WriteRecorders, writesOf } from '../writes/recorders.ts';
import { createServices, type Services } from './services.ts';
import { Shutdown } from './shutdown.ts';
import { logStartupSummary } from './startup-summary.ts';
import { filtersMayNestTransactions } from './transaction.ts';
import type { App, AppOptions } from './types.ts';

function parseListen(http: string): { host: string; port: number } {
  const index = http.lastIndexOf(':');
  const host = index > 0 ? http.slice(0, index) : '127.0.0.1';
  const port = Number(index >= 0 ? http.slice(index + 1) : http);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`Invalid --http address "${http}".`);
  return { host: host.replace(/^\[|\]$/g, ''), port };
}

/**
 * Builds the app: database, hooks, services and HTTP server. Nothing listens, and no hook runs,
 * until `start()`; `stop()` stops accepting, drains actions, runs terminate hooks and closes
 * the database, all within the shutdown timeout. The order of start-up and shutdown is written
 * down in docs/lifecycle.md.
 */
export function createApp(options: AppOptions = {}): App {
  const env = options.env ?? process.env;
  const dir = resolve(options.dir ?? env.SLUICE_DIR ?? './sluice_data');
  const http = options.http ?? env.SLUICE_HTTP ?? '127.0.0.1:8090';
  const logger: Logger = options.logger ?? createLogger(options.logLevel ?? env.SLUICE_LOG_LEVEL ?? 'info');
  const catalogue = new Catalogue(events);
  const redisUrl = options.redisUrl ?? (env.SLUICE_REDIS_URL || undefined);
  let cluster: Cluster | undefined;
  let membership: ClusterMembership | undefined;
  const engine = createHooks<SluiceEvents, HookContext>({
    catalogue,
    logger,
    // unref'd: a schedule alone keeps no process alive (a stopped app's paused jobs still tick)
    cron: (expression, run) => new Cron(expression, { paused: true, unref: true }, run),
    warnMs: options.hooks?.warnMs ?? numberFrom(env.SLUICE_HOOKS_WARN_MS),
    timeoutMs: options.hooks?.timeoutMs ?? numberFrom(env.SLUICE_HOOKS_TIMEOUT_MS),
    maxConcurrentFilters: options.hooks?.maxConcurrentFilters ?? numberFrom(env.SLUICE_HOOKS_MAX_CONCURRENT),
    maxQueuedFilters: options.hooks?.maxQueuedFilters,
    // each schedule tick runs on one instance of the cluster
    scheduleLock: redisUrl
      ? (key, ttlMs) => cluster?.tryLock(`schedule:${key}`, ttlMs) ?? Promise.resolve(false)
      : undefined,
  });
  const hooks: Hooks<SluiceEvents, HookContext> = recordFiredEvents(engine);
  const database = openDatabase({
    dir,
    url: options.databaseUrl ?? env.SLUICE_DATABASE_URL,
    limits: {
      queryTimeoutMs: numberFrom(env.SLUICE_QUERY_TIMEOUT_MS),
      waitMs: numberFrom(env.SLUICE_DB_WAIT_MS),
      maxWaiting: numberFrom(env.SLUICE_DB_MAX_WAITING),
    },
  });
  database.scopeTransactionsWhen(filtersMayNestTransactions(hooks));
  const schema = new SchemaCache();
  const shutdownMs = options.shutdownTimeoutMs ?? numberFrom(env.SLUICE_SHUTDOWN_TIMEOUT_MS) ?? 10_000;
  const extensionsDir =
    options.extensions === false
      ? undefined
      : resolve(options.extensions ?? env.SLUICE_EXTENSIONS ?? './extensions');
  // PocketBase's layout: `pb_hooks` beside the data folder
  const pbHooksDir =
    options.hooksDir === false
      ? undefined
      : resolve(options.hooksDir ?? env.SLUICE_HOOKS_DIR ?? join(dirname(dir), 'pb_hooks'));
  let secret: string | undefined;
  let extensionsLoaded: Promise<void> | undefined;
  let loadOptions: LoadOptions | undefined;
  const customRoutes: CustomRoutes = new Map();
  let watcher: ExtensionWatcher | undefined;
  let bootstrapped: Promise<void> | undefined;
  let started = false;

  const app: App = {
    hooks,
    catalogue,
    database,
    schema,
    logger,
    env,
    recorders: new WriteRecorders(),
    http: createHttp({
      bodyLimit: options.bodyLimit ?? 1024 * 1024,
      trustedProxies: listFrom(options.trustedProxies ?? env.SLUICE_TRUSTED_PROXIES) ?? [],
      origins: listFrom(options.origins ?? env.SLUICE_ORIGINS) ?? [ANY_ORIGIN],
    }),
    cluster: undefined,
    options: { ...options, dir, http, shutdownTimeoutMs: shutdownMs },
    url: '',
    services: undefined as unknown as Services,
    extensions: [],
    secret: () => {
      if (secret === undefined) throw new Error('The app has not started.');
      return secret;
    },
    context: (call?: CallOptions) => ({
      database: call?.database ?? database.db,
      accountability: call?.accountability ?? system,
      request: call?.request,
      reply: call?.reply,
      schema,
      services: app.services,
      logger,
      env,
      state: call?.state ?? {},
      scope: call?.scope,
      emitEvents: call?.emitEvents ?? true,
    }),

    loadExtensions() {
      extensionsLoaded ??= (async () => {
        const hasExtensions = extensionsDir !== undefined && existsSync(extensionsDir);
        const hasPbHooks = pbHooksDir !== undefined && existsSync(pbHooksDir);
        if (!hasExtensions && !hasPbHooks) return;
        shareOwnModules({ createApp, events, defineHook });
        loadOptions = {
          dir: extensionsDir,
          pbHooksDir: hasPbHooks ? pbHooksDir : undefined,
          hooks,
          catalogue,
          logger,
          mustLoad: env.SLUICE_EXTENSIONS_MUST_LOAD === 'true',
          routes: customRoutes,
          sendEvent: app.services.events.sender,
          context: {
            services: app.services,
            database: database.db,
            getSchema: async () => schema,
            env,
            logger,
          },
        };
        (app as { extensions: App['extensions'] }).extensions = await loadExtensions(loadOptions);
        if (options.dev) {
          watcher = await watchExtensions({
            ...loadOptions,
            onReload: (reloaded, removed) => {
              reloadedExtensions(reloaded, removed);
              const owners = [...reloaded.map((extension) => extension.owner), ...removed];
              void membership?.announceExtensions(owners);
            },
          });
        }
      })();
      return extensionsLoaded;
    },

    bootstrap() {
      bootstrapped ??= (async () => {
        if (redisUrl) {
          cluster = await openCluster({
            url: redisUrl,
            prefix: options.redisPrefix ?? (env.SLUICE_REDIS_PREFIX || undefined),
            logger,
          });
          (app as { cluster: Cluster | undefined }).cluster = cluster;
        }
        await app.loadExtensions();
        await hooks.runInit('app.bootstrap', { app });
        await migrate(database);
        await app.services.logs.moveOutOfDataFile();
        // subscribed before the schema is read, so that no change made meanwhile is missed
        if (cluster)
          membership = await joinCluster(app, cluster, {
            reloadExtensions: options.dev ? reloadOwners : undefined,
          });
        await schema.reload(database.db);
        await app.services.webhooks.subscribers.reload(database.db);
        await grantsOf(schema).reload(database.db);
        // in-transaction recorders, in this order: relations, activity and revisions, outbox
        app.recorders.add(relationsRecorder(app), writesOf('collections'));
        app.recorders.add(collectionReferencesRecorder(app), writesOf('collections'));
        startActivityLog(app, app.services);
        const subscribers = app.services.webhooks.subscribers;
        app.recorders.add(
          outboxRecorder(app, subscribers, () => deliveries.nudge()),
          () => subscribers.size > 0,
        );
        const stream = app.services.events.stream;
        app.recorders.add(streamRecorder(app, stream), () => stream.size > 0);
        await app.services.settings.storeDefaults(app.context());
        secret = await app.services.settings.secret(database.db);
        await createAdminFromEnv(app);
        await hooks.runInit('app.bootstrapped', { app });
      })();
      return bootstrapped;
    },

    async start() {
      if (started) return;
      started = true;
      await app.bootstrap();

      const fastify = app.http;
      await hooks.runInit('app.before', { app: fastify });
      await hooks.runInit('middlewares.before', { app: fastify });
      registerMiddlewares(app, app.secret);
      recordRequests(app);
      await hooks.runInit('middlewares.after', { app: fastify });
      await hooks.runInit('routes.before', { app: fastify });
      registerSystemRoutes(app);
      registerCollectionRoutes(app);
      registerAuthRoutes(app);
      registerRecordRoutes(app);
      registerBatchRoutes(app);
      registerFileRoutes(app);
      registerRealtimeRoutes(app, membership?.broker);
      registerSettingsRoutes(app);
      registerStorageTestRoutes(app);
      registerFilesLibraryRoutes(app);
      registerWebhookRoutes(app);
      registerActivityRoutes(app);
      registerAccessRoutes(app);
      registerPresetRoutes(app);
      registerPluginRoutes(app);
      registerEventRoutes(app);
      registerHookRoutes(app);
      registerCronRoutes(app);
      registerLogRoutes(app);
      registerAdminRoutes(app);
      await registerBackups(app);
      await hooks.runInit('routes.after', { app: fastify });
      await hooks.runInit('routes.custom.before', { app: fastify });
      registerCustomRoutes(fastify, customRoutes);
      await hooks.runInit('routes.custom.after', { app: fastify });
      await hooks.runInit('app.after', { app: fastify });

      const { host, port } = parseListen(http);
      await fastify.listen({ host, port });
      const address = fastify.server.address();
      const actualPort = typeof address === 'object' && address ? address.port : port;
      app.url = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
      hooks.start();
      deliveries.start();
      hooks.runAction('server.start', { server: fastify.server }, app.context());
      logStartupSummary(app, { database: options.databaseUrl ?? env.SLUICE_DATABASE_URL, redis: redisUrl });
    },

    async stop() {
      const shutdown = new Shutdown(shutdownMs, logger);
      await shutdown.step('closing the extension watcher', () => watcher?.close());
      watcher = undefined;
      if (started) {
        started = false;
        hooks.stop();
        // the logs held so far are written while the HTTP server waits for the last answers
        void app.services.logs.buffer.flush();
        // abandoned: the requests still in flight are cut off before the database closes under them
        if (!(await shutdown.step('closing the HTTP server', () => app.http.close())))
          app.http.server.closeAllConnections();
        // first once no request comes in any more: nothing after it can spend the deadline first
        await shutdown.step('writing the request logs', () => app.services.logs.buffer.flush());
        hooks.runAction('server.stop', { server: app.http.server }, app.context());
        await shutdown.step('the pending actions and mails', () => settled(app));
        await shutdown.step('app.terminate', () => hooks.runInit('app.terminate', { app }));
        await shutdown.step('the actions and mails from app.terminate', () => settled(app));
        await shutdown.step('the webhook deliveries being sent', () => deliveries.stop());
      }
      await shutdown.step('closing the cluster connection', leaveCluster);
      await shutdown.step('closing the file storage', () => app.services.storage.close());
      await shutdown.step('closing the request logs', () => app.services.logs.close());
      await shutdown.step('closing the database', () => database.close());
      shutdown.finish();
    },
  };

  /** Keeps `app.extensions` in step with a hot reload. */
  function reloadedExtensions(reloaded: LoadedExtension[], removed: string[]): void {
    const fresh = new Map(reloaded.map((extension) => [extension.owner, extension]));
    const kept = app.extensions
      .filter((extension) => !removed.includes(extension.owner))
      .map((extension) => fresh.get(extension.owner) ?? extension);
    const added = reloaded.filter((extension) => !kept.includes(extension));
    (app as { extensions: App['extensions'] }).extensions = [...kept, ...added];
  }

  /** Reloads the extensions another instance reloaded (`--dev`), from this instance's folder. */
  async function reloadOwners(owners: string[]): Promise<void> {
    await extensionsLoaded;
    if (!loadOptions) return;
    const entries = new Map(discoverAll(loadOptions).map((entry) => [entry.owner, entry]));
    const reloaded: LoadedExtension[] = [];
    const removed: string[] = [];
    for (const owner of [...new Set(owners)].sort()) {
      const entry = entries.get(owner);
      if (!entry) {
        hooks.unregisterOwner(owner);
        removed.push(owner);
        continue;
      }
      const result = await loadExtension(entry, { ...loadOptions, mustLoad: false, replace: true });
      if (!result.error)
        logger.info({ extension: owner }, 'Extension reloaded (changed on another instance).');
      reloaded.push(result);
    }
    reloadedExtensions(reloaded, removed);
  }

  async function leaveCluster(): Promise<void> {
    await membership?.close();
    membership = undefined;
    await cluster?.close();
    cluster = undefined;
  }
  (app as { services: Services }).services = createServices(app, dir, options.extensions);
  const deliveries = new DeliveryWorker(app, app.services.webhooks);
  app.services.webhooks.deliveriesDue = () => deliveries.nudge();
  return app;
}

/** Resolves once the pending actions have settled and the mails being sent have gone or failed. */
async function settled(app: App): Promise<void> {
  await Promise.all([app.hooks.drain(), app.services.mail.idle()]);
}

function numberFrom(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

/** A list setting, given as a list or comma-separated; undefined when unset or blank. */
function listFrom(value: string | readonly string[] | undefined): string[] | undefined {
  const items = (typeof value === 'string' ? value.split(',') : (value ?? []))
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return items.length > 0 ? items : undefined;
}

/** `SLUICE_ADMIN_EMAIL` / `SLUICE_ADMIN_PASSWORD`: the first superuser, made once. */
async function createAdminFromEnv(app: App): Promise<void> {
  const email = app.env.SLUICE_ADMIN_EMAIL;
  const password = app.env.SLUICE_ADMIN_PASSWORD;
  if (!email || !password) return;
  const existing = await app.database.db
    .selectFrom(SUPERUSERS)
    .select('id')
    .where('email', '=', email.toLowerCase())
    .executeTakeFirst();
  if (existing) return;
  await app.services.records.create(SUPERUSERS, { email, password, passwordConfirm: password });
  app.logger.info({ email }, 'Created the first superuser.');
}
