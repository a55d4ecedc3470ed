/**
 * The server `hostile.bench.ts` loads, in a child process so that a stall or its memory is its
 * own: Sluice on SQLite with `big` (2,000 rows anyone may list), `fast` and `slow` (anyone may
 * create; a `records.create` filter on `slow` waits 2 s, as for an outside service). Reports its
 * peak RSS over IPC.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../packages/server/src/index.ts';

export const SLOW_FILTER_MS = 2000;
export const BIG_ROWS = 2000;

export interface Ready {
  ready: true;
  url: string;
}

export type Request = { id: number; cmd: 'resetPeak' | 'peak' | 'stop' };
export interface Answer {
  id: number;
  peakRssMb?: number;
}

const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-hostile-'));
let peakRss = 0;
setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 20).unref();

const app = createApp({ dir, http: '127.0.0.1:0', logLevel: 'silent', extensions: false, env: {} });
await app.start();
const open = { listRule: '', viewRule: '', createRule: '' };
const fields = [
  { name: 'title', type: 'text' },
  { name: 'n', type: 'number' },
];
for (const name of ['big', 'fast', 'slow']) {
  await app.services.collections.create({ name, type: 'base', fields, ...open }, app.context());
}
await app.database.db
  .insertInto('big')
  .values(
    Array.from({ length: BIG_ROWS }, (_, n) => ({
      id: `big${String(n).padStart(12, '0')}`,
      title: `t${n}`,
      n,
    })),
  )
  .execute();
app.hooks.filter(
  'records.create',
  async (payload) => {
    await new Promise((resolve) => setTimeout(resolve, SLOW_FILTER_MS));
    return payload;
  },
  { tags: ['slow'] },
);

process.on('message', async (request: Request) => {
  switch (request.cmd) {
    case 'resetPeak':
      peakRss = process.memoryUsage.rss();
      break;
    case 'stop':
      await app.stop();
      rmSync(dir, { recursive: true, force: true });
      process.send?.({ id: request.id } satisfies Answer);
      setImmediate(() => process.exit(0));
      return;
  }
  process.send?.({ id: request.id, peakRssMb: Math.round(peakRss / 1048576) } satisfies Answer);
});
process.send?.({ ready: true, url: app.url } satisfies Ready);
