import { grantsOf } from '../access/grants.ts';
import type { App } from '../app/types.ts';
import { ClusterBroker } from './broker.ts';
import type { Cluster } from './types.ts';

export const EXTENSIONS_CHANNEL = 'extensions';

export interface ClusterMembership {
  /** The realtime broker that carries record changes between the instances. */
  broker: ClusterBroker;
  /** Tells the others that these extensions were reloaded here (`--dev`). */
  announceExtensions(owners: string[]): Promise<void>;
  close(): Promise<void>;
}

export interface JoinOptions {
  /** Reloads extensions another instance reloaded (`--dev` with the same folder). */
  reloadExtensions?: (owners: string[]) => Promise<void>;
}

/**
 * Keeps this instance's in-memory state in step with the others: the schema and the enabled
 * webhooks are reloaded and the settings cache dropped when another instance announces a change (and after Redis comes back,
 * since notices may have been lost). Until a schema reload is over, requests and realtime
 * changes from other instances wait for it, so a collection created through one instance can be
 * used through another as soon as the creating request has answered.
 */
export async function joinCluster(
  app: App,
  cluster: Cluster,
  options: JoinOptions = {},
): Promise<ClusterMembership> {
  let reloading: Promise<void> | undefined;
  let again = false;
  const reloadSchema = (): Promise<void> => {
    if (reloading) {
      again = true;
      return reloading;
    }
    reloading = (async () => {
      do {
        again = false;
        try {
          await app.schema.reload(app.database.db);
        } catch (error) {
          app.logger.error({ err: error }, 'Reloading the schema another instance changed failed.');
        }
      } while (again);
    })().finally(() => {
      reloading = undefined;
    });
    return reloading;
  };
  const forgetSettings = () => app.services.settings.forget();
  const reloadWebhooks = () =>
    app.services.webhooks.subscribers
      .reload(app.database.db)
      .catch((error: unknown) =>
        app.logger.error({ err: error }, 'Reloading the webhooks another instance changed failed.'),
      );

  const reloadGrants = () =>
    grantsOf(app.schema)
      .reload(app.database.db)
      .catch((error: unknown) =>
        app.logger.error(
          { err: error },
          'Reloading the roles and permissions another instance changed failed.',
        ),
      );

  let reloadingExtensions: Promise<void> = Promise.resolve();
  const unsubscribe = await Promise.all([
    cluster.subscribe('schema', () => reloadSchema()),
    cluster.subscribe('settings', forgetSettings),
    cluster.subscribe('webhooks', reloadWebhooks),
    cluster.subscribe('access', reloadGrants),
    ...(options.reloadExtensions
      ? [
          cluster.subscribe(EXTENSIONS_CHANNEL, (message) => {
            const owners = (message as { owners?: unknown }).owners;
            if (!Array.isArray(owners) || owners.length === 0) return;
            const reload = options.reloadExtensions!;
            reloadingExtensions = reloadingExtensions.then(() =>
              reload(owners.map(String)).catch((error: unknown) =>
                app.logger.error(
                  { err: error, owners },
                  'Reloading extensions another instance reloaded failed.',
                ),
              ),
            );
          }),
        ]
      : []),
  ]);
  const offReconnect = cluster.onReconnect(() => {
    void reloadSchema();
    forgetSettings();
    void reloadWebhooks();
    void reloadGrants();
  });
  app.http.addHook('onRequest', (_request, _reply, done) => {
    // A notice published before the request was sent is already in the subscriber's socket, but
    // may be read after the request in the same turn: one turn later, it has been.
    setImmediate(() => {
      if (reloading) reloading.then(() => done(), done);
      else done();
    });
  });

  const broker = new ClusterBroker(cluster, app.logger, () => reloading);
  await broker.listen();

  return {
    broker,
    announceExtensions: (owners) => cluster.publish(EXTENSIONS_CHANNEL, { owners }),
    async close() {
      offReconnect();
      await Promise.all(unsubscribe.map((off) => off()));
      await broker.close();
      await reloadingExtensions;
    },
  };
}
