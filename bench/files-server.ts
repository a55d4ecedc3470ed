/**
 * The servers `files.bench.ts` loads, each in a child process of its own: `sluice` (createApp on
 * SQLite with the local storage driver, one record holding a 1 MB file and an image whose thumb
 * is made before the run) or `ceiling <big> <thumb>` (bare Fastify streaming those same stored
 * files from disk). Each tells its parent, over IPC, where to find what it serves.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import sharp from 'sharp';
import { createApp } from '../packages/server/src/index.ts';

export const COLLECTION = 'media';
export const THUMB = '100x100';

export interface Ready {
  url: string;
  /** Paths of the served files, under the server's origin. */
  big: string;
  thumb: string;
  /** Sluice only: the files on disk, for the ceiling to serve. */
  bigFile?: string;
  thumbFile?: string;
}

const [kind, bigFile, thumbFile] = process.argv.slice(2);

async function startSluice(dir: string): Promise<Ready & { stop(): Promise<void> }> {
  const app = createApp({
    dir,
    http: '127.0.0.1:0',
    logLevel: 'silent',
    extensions: false,
    env: { SLUICE_ADMIN_EMAIL: 'bench@example.com', SLUICE_ADMIN_PASSWORD: 'bench-password-123' },
  });
  await app.start();
  const collection = await app.services.collections.create(
    {
      name: COLLECTION,
      type: 'base',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'document', type: 'file', maxSelect: 1, maxSize: 2 << 20 },
        { name: 'image', type: 'file', maxSelect: 1 },
      ],
      listRule: '',
      viewRule: '',
      createRule: '',
    },
    app.context(),
  );
  const image = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#2a6' } })
    .jpeg()
    .toBuffer();
  const form = new FormData();
  form.append('title', 'bench');
  form.append('document', new File([new Uint8Array(randomBytes(1 << 20))], 'big.bin'));
  form.append('image', new File([new Uint8Array(image)], 'photo.jpg'));
  const created = await fetch(`${app.url}/api/collections/${COLLECTION}/records`, {
    method: 'POST',
    body: form,
  });
  const record = (await created.json()) as { id: string; document: string; image: string };
  const base = `/api/files/${COLLECTION}/${record.id}`;
  const thumb = `${base}/${record.image}?thumb=${THUMB}`;
  const made = await fetch(`${app.url}${thumb}`);
  if (made.status !== 200) throw new Error(`The thumb answered ${made.status}.`);
  const stored = join(dir, 'storage', collection.id, record.id);
  return {
    url: app.url,
    big: `${base}/${record.document}`,
    thumb,
    bigFile: join(stored, record.document),
    thumbFile: join(stored, `thumbs_${record.image}`, `${THUMB}_${record.image}`),
    stop: () => app.stop(),
  };
}

async function startCeiling(): Promise<Ready & { stop(): Promise<void> }> {
  const http = Fastify();
  const serve =
    (path: string, type: string) => (_request: unknown, reply: import('fastify').FastifyReply) => {
      const { size } = statSync(path);
      reply.headers({ 'content-type': type, 'content-length': size });
      return reply.send(createReadStream(path));
    };
  http.get('/big', serve(bigFile, 'application/octet-stream'));
  http.get('/thumb', serve(thumbFile, 'image/jpeg'));
  await http.listen({ host: '127.0.0.1', port: 0 });
  const address = http.server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}`, big: '/big', thumb: '/thumb', stop: () => http.close() };
}

const dir = mkdtempSync(join(tmpdir(), `sluice-bench-files-${kind}-`));
const server = kind === 'ceiling' ? await startCeiling() : await startSluice(dir);
const { stop, ...ready } = server;
process.send?.(ready);
process.on('message', async () => {
  await stop();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
});
