import type { App } from '../app/types.ts';
import { objectBody } from '../http/guards.ts';
import { InProcessBroker, type RealtimeBroker } from './broker.ts';
import { Realtime } from './hub.ts';

const realtimes = new WeakMap<App, Realtime>();

/** The app's realtime hub, once its routes are registered (tests, extensions). */
export function realtimeOf(app: App): Realtime | undefined {
  return realtimes.get(app);
}

function setting(value: string | undefined, fallback: number): number {
  const number = Number(value);
  return value !== undefined && value !== '' && Number.isFinite(number) && number > 0 ? number : fallback;
}

/**
 * `/api/realtime` (PocketBase's SSE protocol) and the fan-out of record changes behind it. Open
 * connections are ended when the HTTP server closes, each with its `realtime.disconnect`. With
 * several instances, `broker` carries the changes between them.
 */
export function registerRealtimeRoutes(app: App, broker: RealtimeBroker = new InProcessBroker()): Realtime {
  const realtime = new Realtime(app, broker, {
    idleTimeout: setting(app.env.SLUICE_REALTIME_IDLE_TIMEOUT_MS, 5 * 60_000),
    maxQueue: setting(app.env.SLUICE_REALTIME_MAX_QUEUE, 1000),
    maxQueueBytes: setting(app.env.SLUICE_REALTIME_MAX_QUEUE_BYTES, 4 * 1024 * 1024),
    // PocketBase's limit
    maxSubscriptions: setting(app.env.SLUICE_REALTIME_MAX_SUBSCRIPTIONS, 1000),
    maxOptions: setting(app.env.SLUICE_REALTIME_MAX_OPTIONS, 100),
    keepAlive: setting(app.env.SLUICE_REALTIME_KEEPALIVE_MS, 30_000),
  });
  realtime.start();
  realtimes.set(app, realtime);
  app.http.addHook('preClose', async () => {
    await realtime.close();
  });
  app.http.get('/api/realtime', (request, reply) => realtime.connect(request, reply));
  app.http.post('/api/realtime', async (request, reply) => {
    await realtime.subscribe(request, objectBody(request));
    return reply.code(204).send();
  });
  return realtime;
}
