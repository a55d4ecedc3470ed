/**
 * The server `realtime.bench.ts` loads, in a child process of its own so that its memory is its
 * own: Sluice on SQLite with a `big` collection anyone may list. The `SLUICE_REALTIME_*` settings
 * of the environment are passed on. Driven over IPC.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../packages/server/src/index.ts';
import { realtimeOf } from '../packages/server/src/realtime/routes.ts';

export const COLLECTION = 'big';

export type Request =
  | { cmd: 'create'; count: number; kb: number }
  | { cmd: 'settle' }
  | { cmd: 'memory' }
  | { cmd: 'resetPeak' }
  | { cmd: 'stop' };
export type Command = Request & { id: number };

export interface Ready {
  ready: true;
  url: string;
}

export interface Answer {
  id: number;
  /** Resident set size now, and the highest sampled (every 20 ms) since the last `resetPeak`. */
  rssMb?: number;
  peakRssMb?: number;
  /** The V8 heap in use after a full collection. */
  heapUsedMb?: number;
  /** Realtime clients still connected. */
  clients?: number;
  error?: string;
}

const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-realtime-'));
const realtimeEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => name.startsWith('SLUICE_REALTIME_')),
);

let peakRss = 0;
const sampleRss = () => {
  const rss = process.memoryUsage.rss();
  if (rss > peakRss) peakRss = rss;
  return rss;
};
setInterval(sampleRss, 20).unref();

const app = createApp({ dir, http: '127.0.0.1:0', logLevel: 'silent', extensions: false, env: realtimeEnv });
await app.start();
await app.services.collections.create(
  {
    name: COLLECTION,
    type: 'base',
    fields: [{ name: 'body', type: 'text', max: 1_000_000 }],
    listRule: '',
    viewRule: '',
  },
  app.context(),
);

const collect = () => (globalThis as { gc?: () => void }).gc?.();
const turn = () => new Promise((resolve) => setImmediate(resolve));

async function answer(request: Request): Promise<Omit<Answer, 'id'>> {
  switch (request.cmd) {
    case 'create':
      for (let i = 0; i < request.count; i++) {
        await app.services.records.create(COLLECTION, { body: 'x'.repeat(request.kb * 1000) });
        await turn();
      }
      return {};
    case 'settle':
      await app.hooks.drain();
      return {};
    case 'resetPeak':
      collect();
      peakRss = 0;
      sampleRss();
      return {};
    case 'memory':
      sampleRss();
      collect();
      return {
        rssMb: Math.round(sampleRss() / 1048576),
        peakRssMb: Math.round(peakRss / 1048576),
        heapUsedMb: Math.round(process.memoryUsage().heapUsed / 1048576),
        clients: realtimeOf(app)?.clients.size ?? 0,
      };
    case 'stop':
      await app.stop();
      rmSync(dir, { recursive: true, force: true });
      setImmediate(() => process.exit(0));
      return {};
  }
}

process.on('message', (command: Command) => {
  answer(command).then(
    (result) => process.send?.({ id: command.id, ...result }),
    (error: Error) => process.send?.({ id: command.id, error: error.message }),
  );
});
process.send?.({ ready: true, url: app.url } satisfies Ready);
