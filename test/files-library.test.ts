import PocketBase from 'pocketbase';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../packages/server/src/index.ts';
import type { Settings } from '../packages/server/src/settings/defaults.ts';
import {
  closedPort,
  type RunningServer,
  startFtpServer,
  startS3Server,
} from '../packages/server/src/storage/testing.ts';
import { type Dialect, dialects, startServer, type TestServer } from './helpers.ts';

type DriverCase = { name: 'local' | 's3' | 'ftp'; start?: () => Promise<RunningServer> };
const drivers: DriverCase[] = [
  { name: 'local' },
  { name: 's3', start: startS3Server },
  { name: 'ftp', start: startFtpServer },
];

async function png(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 30 } } })
    .png()
    .toBuffer();
}

/** The settings that point the app at a storage server, as a PATCH /api/settings body. */
function storagePatch(settings: Settings): Record<string, unknown> {
  const driver = settings.storage.driver;
  return { storage: { driver }, [driver]: settings[driver as 's3' | 'ftp'] };
}

/** Records every key the app's storage is asked to store. */
function recordPuts(app: App): string[] {
  const keys: string[] = [];
  const storage = app.services.storage;
  const put = storage.put.bind(storage);
  storage.put = (key, ...rest) => {
    keys.push(key);
    return put(key, ...rest);
  };
  return keys;
}

describe.each(dialects.flatMap((dialect) => drivers.map((driver) => [dialect, driver] as const)))(
  'the files library (%s, %o)',
  (dialect: Dialect, driver: DriverCase) => {
    let server: TestServer;
    let storageServer: RunningServer | undefined;
    let stored: string[];

    beforeAll(async () => {
      storageServer = await driver.start?.();
      server = await startServer(dialect, { env: { SLUICE_FILES_MAX_SIZE: '300000' } });
      if (storageServer) {
        const changed = await call('PATCH', '/api/settings', storagePatch(storageServer.settings));
        expect(changed.status).toBe(200);
      }
      stored = recordPuts(server.app);
    });

    afterAll(async () => {
      await server?.stop();
      await storageServer?.close();
    });

    const call = (method: string, path: string, body?: unknown) =>
      server.request(method, path, { token: server.adminToken, body });

    async function upload(method: string, path: string, form: FormData) {
      const response = await fetch(new URL(path, server.url), {
        method,
        headers: { authorization: server.adminToken },
        body: form,
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined, text };
    }

    function form(content: Buffer, name: string, fields: Record<string, string> = {}): FormData {
      const data = new FormData();
      for (const [key, value] of Object.entries(fields)) data.append(key, value);
      data.append('file', new Blob([content]), name);
      return data;
    }

    it('keeps folders, files in them, their content and thumbs, firing files.* and folders.*', async () => {
      const fired: [string, unknown][] = [];
      const hooks = server.app.hooks;
      const off = [
        hooks.filter('folders.create', (payload) => void fired.push(['folders.create filter', payload])),
        hooks.action('folders.create', (meta) => void fired.push(['folders.create', meta.key])),
        hooks.action('folders.update', (meta) => void fired.push(['folders.update', meta.keys])),
        hooks.filter('files.create', (payload) => {
          fired.push(['files.create filter', payload]);
          return { ...payload, title: `${payload.title} (checked)` };
        }),
        hooks.action('files.create', (meta) => void fired.push(['files.create', meta.key])),
        hooks.action('files.upload', (meta) => void fired.push(['files.upload', meta]), { tags: ['_files'] }),
        hooks.action('files.update', (meta) => void fired.push(['files.update', meta.payload])),
      ];
      try {
        const photos = await call('POST', '/api/folders', { name: 'Photos' });
        expect(photos.status).toBe(200);
        expect(photos.body).toEqual({
          id: expect.any(String),
          name: 'Photos',
          parent: '',
          created: expect.any(String),
          updated: expect.any(String),
        });
        const trips = await call('POST', '/api/folders', { name: 'Trips', parent: photos.body.id });
        expect(trips.body.parent).toBe(photos.body.id);
        const cycle = await call('PATCH', `/api/folders/${photos.body.id}`, { parent: trips.body.id });
        expect(cycle.status).toBe(400);
        expect(cycle.body.data.parent.code).toBe('validation_folder_cycle');
        const renamed = await call('PATCH', `/api/folders/${trips.body.id}`, { name: 'Travels' });
        expect(renamed.body.name).toBe('Travels');

        const image = await png(40, 30);
        const created = await upload(
          'POST',
          '/api/files',
          form(image, 'red-square.png', { title: 'Red', folder: photos.body.id }),
        );
        expect(created.status).toBe(200);
        const file = created.body;
        expect(file).toEqual({
          id: expect.stringMatching(/^[a-z0-9]{15}$/),
          storage: driver.name,
          filenameDisk: expect.stringMatching(/^[a-z0-9]{15}\.png$/),
          filenameDownload: 'red-square.png',
          title: 'Red (checked)',
          type: 'image/png',
          filesize: image.length,
          width: 40,
          height: 30,
          folder: photos.body.id,
          uploadedBy: expect.any(String),
          created: expect.any(String),
          updated: expect.any(String),
        });
        expect(stored).toContain(`_files/${file.id}/${file.filenameDisk}`);

        const listed = await call(
          'GET',
          `/api/files?filter=${encodeURIComponent("folder.name = 'Photos' && width >= 40")}&sort=-filesize`,
        );
        expect(listed.body).toMatchObject({ page: 1, perPage: 30, totalItems: 1, totalPages: 1 });
        expect(listed.body.items).toEqual([file]);
        expect((await call('GET', `/api/files/${file.id}`)).body).toEqual(file);
        const picked = await call('GET', '/api/files?fields=id,type&skipTotal=1');
        expect(picked.body).toMatchObject({ totalItems: -1, items: [{ id: file.id, type: 'image/png' }] });
        expect(Object.keys(picked.body.items[0])).toEqual(['id', 'type']);
        const folders = await call(
          'GET',
          `/api/folders?filter=${encodeURIComponent(`parent = '${photos.body.id}'`)}`,
        );
        expect(folders.body.items.map((folder: { name: string }) => folder.name)).toEqual(['Travels']);

        const asset = await fetch(new URL(`/api/assets/${file.id}`, server.url), {
          headers: { authorization: server.adminToken },
        });
        expect(asset.status).toBe(200);
        expect(asset.headers.get('content-type')).toBe('image/png');
        expect(asset.headers.get('content-disposition')).toBe('inline; filename="red-square.png"');
        expect(asset.headers.get('content-security-policy')).toContain("default-src 'none'");
        expect(Buffer.from(await asset.arrayBuffer()).equals(image)).toBe(true);
        const download = await fetch(new URL(`/api/assets/${file.id}?download=1`, server.url), {
          headers: { authorization: server.adminToken },
        });
        expect(download.headers.get('content-disposition')).toMatch(/^attachment;/);
        await download.arrayBuffer();
        for (const attempt of [1, 2]) {
          const thumb = await fetch(new URL(`/api/assets/${file.id}?thumb=10x10`, server.url), {
            headers: { authorization: server.adminToken },
          });
          const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
          expect([attempt, meta.format, meta.width, meta.height]).toEqual([attempt, 'png', 10, 10]);
        }
        expect(stored).toContain(`_files/${file.id}/thumbs_${file.filenameDisk}/10x10_${file.filenameDisk}`);

        const moved = await call('PATCH', `/api/files/${file.id}`, { title: 'Moved', folder: trips.body.id });
        expect(moved.body).toMatchObject({
          title: 'Moved',
          folder: trips.body.id,
          filenameDisk: file.filenameDisk,
        });

        const replaced = await upload(
          'PATCH',
          `/api/files/${file.id}`,
          form(Buffer.from('plain words\n'), 'notes.txt', { filenameDownload: 'notes.txt' }),
        );
        expect(replaced.status).toBe(200);
        expect(replaced.body).toMatchObject({
          type: 'text/plain',
          filesize: 12,
          width: 0,
          filenameDownload: 'notes.txt',
          title: 'Moved',
        });
        expect(replaced.body.filenameDisk).not.toBe(file.filenameDisk);
        const storage = server.app.services.storage;
        await expect.poll(() => storage.stat(`_files/${file.id}/${file.filenameDisk}`)).toBeUndefined();
        await expect
          .poll(() =>
            storage.stat(`_files/${file.id}/thumbs_${file.filenameDisk}/10x10_${file.filenameDisk}`),
          )
          .toBeUndefined();
        const text = await fetch(new URL(`/api/assets/${file.id}`, server.url), {
          headers: { authorization: server.adminToken },
        });
        expect(text.headers.get('content-disposition')).toMatch(/^attachment;/);
        expect(await text.text()).toBe('plain words\n');
        // a range, from a storage that seeks (local, S3) or one that streams from the start (FTP)
        const words = await fetch(new URL(`/api/assets/${file.id}`, server.url), {
          headers: { authorization: server.adminToken, range: 'bytes=6-10' },
        });
        expect(words.status).toBe(206);
        expect(words.headers.get('content-range')).toBe('bytes 6-10/12');
        expect(await words.text()).toBe('words');

        await server.app.hooks.drain();
        const names = fired.map(([name]) => name);
        expect(names).toEqual(
          expect.arrayContaining([
            'folders.create filter',
            'folders.create',
            'folders.update',
            'files.create filter',
            'files.create',
            'files.upload',
            'files.update',
          ]),
        );
        const uploads = fired.filter(([name]) => name === 'files.upload').map(([, meta]) => meta);
        expect(uploads).toEqual([
          expect.objectContaining({ key: file.id, collection: '_files', storage: driver.name }),
          expect.objectContaining({ key: file.id, collection: '_files', storage: driver.name }),
        ]);
        expect(fired).toContainEqual(['files.create filter', expect.objectContaining({ title: 'Red' })]);
        expect(fired).toContainEqual(['files.update', { title: 'Moved', folder: trips.body.id }]);
      } finally {
        for (const unregister of off) unregister();
      }
    });

    it('refuses to delete a folder that holds something unless forced, then deletes what it holds', async () => {
      const deleted: [string, unknown][] = [];
      const off = [
        server.app.hooks.action('files.delete', (meta) => void deleted.push(['files.delete', meta.payload])),
        server.app.hooks.action(
          'folders.delete',
          (meta) => void deleted.push(['folders.delete', meta.payload]),
        ),
      ];
      try {
        const outer = (await call('POST', '/api/folders', { name: 'Outer' })).body;
        const inner = (await call('POST', '/api/folders', { name: 'Inner', parent: outer.id })).body;
        const file = (
          await upload('POST', '/api/files', form(await png(8, 8), 'dot.png', { folder: inner.id }))
        ).body;
        const refused = await call('DELETE', `/api/folders/${outer.id}`);
        expect(refused.status).toBe(409);
        expect((await call('GET', `/api/files/${file.id}`)).status).toBe(200);

        expect((await call('DELETE', `/api/folders/${outer.id}?force=true`)).status).toBe(204);
        expect((await call('GET', `/api/folders/${inner.id}`)).status).toBe(404);
        expect((await call('GET', `/api/files/${file.id}`)).status).toBe(404);
        await expect
          .poll(() => server.app.services.storage.stat(`_files/${file.id}/${file.filenameDisk}`))
          .toBeUndefined();
        await server.app.hooks.drain();
        expect(deleted).toEqual([
          ['files.delete', [file.id]],
          ['folders.delete', [outer.id, inner.id]],
        ]);

        const empty = (await call('POST', '/api/folders', { name: 'Empty' })).body;
        expect((await call('DELETE', `/api/folders/${empty.id}`)).status).toBe(204);
      } finally {
        for (const unregister of off) unregister();
      }
    });

    it('deletes a file: its row at once, its content once committed', async () => {
      const file = (await upload('POST', '/api/files', form(Buffer.from('bye\n'), 'bye.txt'))).body;
      expect(file.title).toBe('bye');
      expect((await call('DELETE', `/api/files/${file.id}`)).status).toBe(204);
      expect((await call('GET', `/api/files/${file.id}`)).status).toBe(404);
      expect((await call('GET', `/api/assets/${file.id}`)).status).toBe(404);
      await expect
        .poll(() => server.app.services.storage.stat(`_files/${file.id}/${file.filenameDisk}`))
        .toBeUndefined();
    });

    it('removes stored content when the write rolls back', async () => {
      const existing = (await upload('POST', '/api/files', form(Buffer.from('first\n'), 'first.txt'))).body;
      // the row is given an id already taken: the insert fails after the content was stored
      const off = server.app.hooks.filter(
        'model.create',
        (row) => ({ ...(row as object), id: existing.id }),
        {
          tags: ['_files'],
        },
      );
      const before = stored.length;
      try {
        const failed = await upload('POST', '/api/files', form(Buffer.from('second\n'), 'second.txt'));
        expect(failed.status).toBeGreaterThanOrEqual(400);
      } finally {
        off();
      }
      const attempted = stored.slice(before);
      expect(attempted).toEqual([expect.stringMatching(new RegExp(`^_files/${existing.id}/`))]);
      expect(await server.app.services.storage.stat(attempted[0])).toBeUndefined();
      expect(
        await server.app.services.storage.stat(`_files/${existing.id}/${existing.filenameDisk}`),
      ).toBeDefined();
    });

    it('stores nothing when a files.create filter throws', async () => {
      const off = server.app.hooks.filter('files.create', () => {
        throw new Error('not today');
      });
      const before = stored.length;
      try {
        const refused = await upload('POST', '/api/files', form(Buffer.from('x'), 'x.txt'));
        expect(refused.status).toBe(500);
      } finally {
        off();
      }
      expect(stored.length).toBe(before);
    });

    it('checks what it is sent: fields, a file, its size, and its type by content', async () => {
      const unknown = await upload('POST', '/api/files', form(Buffer.from('x'), 'x.txt', { owner: 'me' }));
      expect(unknown.status).toBe(400);
      expect(unknown.body.data.owner.code).toBe('validation_unknown_field');
      const noFile = await call('POST', '/api/files', { title: 'nothing' });
      expect(noFile.status).toBe(400);
      expect(noFile.body.data.file.code).toBe('validation_required');
      const big = await upload('POST', '/api/files', form(Buffer.alloc(300_001, 1), 'big.bin'));
      expect(big.status).toBe(400);
      expect(big.body.data.file.code).toBe('validation_file_size_limit');
      const badFolder = await upload(
        'POST',
        '/api/files',
        form(Buffer.from('x'), 'x.txt', { folder: 'nope' }),
      );
      expect(badFolder.body.data.folder.code).toBe('validation_missing_folder');
      const badName = await call('POST', '/api/files', {});
      expect(badName.status).toBe(400);

      // an executable named as a picture is what its bytes say, and is never shown in place
      const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(120)]);
      const disguised = await upload('POST', '/api/files', form(elf, '../../evil.png'));
      expect(disguised.status).toBe(200);
      expect(disguised.body.type).not.toBe('image/png');
      expect(disguised.body.filenameDownload).toBe('evil.png');
      expect(disguised.body.filenameDisk).not.toMatch(/\.png$/);
      const served = await fetch(new URL(`/api/assets/${disguised.body.id}`, server.url), {
        headers: { authorization: server.adminToken },
      });
      expect(served.headers.get('content-disposition')).toMatch(/^attachment;/);
      await served.arrayBuffer();

      expect((await server.request('GET', '/api/files')).status).toBe(401);
      expect((await server.request('GET', '/api/folders')).status).toBe(401);
    });

    it('tests the configured storage', async () => {
      expect((await call('POST', '/api/settings/test/storage')).status).toBe(204);
      expect((await server.request('POST', '/api/settings/test/storage')).status).toBe(401);
    });
  },
);

describe.each(dialects)('a storage that cannot be reached (%s)', (dialect: Dialect) => {
  let server: TestServer;
  let s3: RunningServer;

  beforeAll(async () => {
    s3 = await startS3Server();
    server = await startServer(dialect);
  });

  afterAll(async () => {
    await server?.stop();
    await s3?.close();
  });

  const call = (method: string, path: string, body?: unknown) =>
    server.request(method, path, { token: server.adminToken, body });

  it.each(['s3', 'ftp', 'gcs', 'cloudinary'] as const)(
    'answers 503 for %s, writes no row and emits files.storage_error tagged with it',
    async (name) => {
      const port = await closedPort();
      const blocks = {
        s3: { ...s3.settings.s3, enabled: false, endpoint: `http://127.0.0.1:${port}` },
        ftp: { host: '127.0.0.1', port, user: 'u', password: 'ftp-secret' },
        gcs: { bucket: 'media', endpoint: `http://127.0.0.1:${port}` },
        cloudinary: {
          cloudName: 'demo',
          apiKey: 'k',
          apiSecret: 'cloud-secret',
          apiHost: `http://127.0.0.1:${port}`,
        },
      };
      const errors: unknown[] = [];
      const off = server.app.hooks.action('files.storage_error', (meta) => void errors.push(meta), {
        tags: [name],
      });
      try {
        const tested = await call('POST', '/api/settings/test/storage', {
          driver: name,
          [name]: blocks[name],
        });
        expect(tested.status).toBe(400);
        expect(tested.body.code).toBe('SLUICE_ERR_STORAGE_TEST_FAILED');
        expect(tested.text).not.toMatch(/ftp-secret|cloud-secret/);

        expect(
          (await call('PATCH', '/api/settings', { storage: { driver: name }, [name]: blocks[name] })).status,
        ).toBe(200);
        const before = (await call('GET', '/api/files')).body.totalItems;
        const data = new FormData();
        data.append('file', new Blob([Buffer.from('x')]), 'x.txt');
        const response = await fetch(new URL('/api/files', server.url), {
          method: 'POST',
          headers: { authorization: server.adminToken },
          body: data,
        });
        expect(response.status).toBe(503);
        expect(await response.json()).toMatchObject({ code: 'SLUICE_ERR_STORAGE_UNAVAILABLE' });
        expect((await call('GET', '/api/files')).body.totalItems).toBe(before);
        await server.app.hooks.drain();
        expect(errors).toEqual([
          expect.objectContaining({ driver: name, operation: 'write' }),
          expect.objectContaining({ driver: name, operation: 'write' }),
        ]);
        const settings = await call('GET', '/api/settings');
        expect(settings.text).not.toMatch(/ftp-secret|cloud-secret/);
      } finally {
        off();
        await call('PATCH', '/api/settings', { storage: { driver: 'local' } });
      }
    },
  );

  it("tests PocketBase's s3 settings at /api/settings/test/s3", async () => {
    expect((await call('PATCH', '/api/settings', { s3: s3.settings.s3 })).status).toBe(200);
    expect((await call('POST', '/api/settings/test/s3', { filesystem: 'storage' })).status).toBe(204);
    const pb = new PocketBase(server.url);
    pb.authStore.save(server.adminToken);
    await expect(pb.settings.testS3('storage')).resolves.toBe(true);
    await call('PATCH', '/api/settings', { s3: { endpoint: `http://127.0.0.1:${await closedPort()}` } });
    await expect(pb.settings.testS3('storage')).rejects.toMatchObject({ status: 400 });
    const backups = await call('POST', '/api/settings/test/s3', { filesystem: 'backups' });
    expect(backups.status).toBe(400);
    await call('PATCH', '/api/settings', { s3: { enabled: false } });
  });
});
