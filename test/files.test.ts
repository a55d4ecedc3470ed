import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type PocketBase from 'pocketbase';
import type { RecordModel } from 'pocketbase';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { UploadedFile } from '../packages/server/src/files/uploaded-file.ts';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  type Dialect,
  dialects,
  signUp,
  startServer,
  type TestServer,
} from './helpers.ts';
import { client, failureOf as failure } from './sdk-client.ts';

/** What the test's hooks saw, shared with the extension file through the process. */
interface Seen {
  uploadedFiles: unknown[];
  tokens: { before: unknown[]; after: unknown[] };
  downloads: { field: string; servedPath: string; title: unknown }[];
}
const seen: Seen = { uploadedFiles: [], tokens: { before: [], after: [] }, downloads: [] };
(globalThis as unknown as { __filesTest: Seen }).__filesTest = seen;

const EXTENSION = `
export const vocabulary = 'pocketbase';
export default ({ onRecordBeforeCreateRequest, onFileDownloadRequest, onFileBeforeTokenRequest, onFileAfterTokenRequest, $app }) => {
  const seen = globalThis.__filesTest;
  onRecordBeforeCreateRequest((e) => {
    const files = Object.fromEntries(Object.entries(e.uploadedFiles).map(([field, list]) => [field, list.map((f) => f.originalName)]));
    seen.uploadedFiles.push(files);
    if (e.record.get('title') === 'refused by a hook') throw new $app.exceptions.BadRequestError('no');
  }, 'docs');
  onFileDownloadRequest((e) => {
    seen.downloads.push({ field: e.fileField, servedPath: e.servedPath, title: e.record.get('title') });
    if (e.record.get('title') === 'hidden') throw new $app.exceptions.ForbiddenError('not this one');
    if (e.record.get('title') === 'renamed') e.servedName = 'renamed.txt';
  });
  onFileBeforeTokenRequest((e) => { seen.tokens.before.push(e.record ? e.record.id : null); });
  onFileAfterTokenRequest((e) => { seen.tokens.after.push(typeof e.token); }, 'users');
};
`;

const png = (width = 400, height = 300) =>
  sharp({ create: { width, height, channels: 3, background: '#2a6' } })
    .png()
    .toBuffer();
const webp = () =>
  sharp({ create: { width: 300, height: 200, channels: 3, background: '#26a' } })
    .webp()
    .toBuffer();
/** The first bytes of a Linux executable. */
const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(200)]);

const file = (content: Buffer | string, name: string, type = 'application/octet-stream') =>
  new File([typeof content === 'string' ? Buffer.from(content) : new Uint8Array(content)], name, { type });

describe.each(dialects)('record files with the PocketBase SDK (%s)', (dialect: Dialect) => {
  let server: TestServer;
  let admin: PocketBase;
  let docsId: string;
  let storageDir: string;
  const uploads: { key: string; collection: unknown; storage: unknown; name: unknown }[] = [];
  const extensions = mkdtempSync(join(tmpdir(), 'sluice-files-ext-'));

  /** How many files (not folders) the collection keeps. */
  const fileCount = () =>
    readdirSync(join(storageDir, docsId), { recursive: true, withFileTypes: true }).filter((entry) =>
      entry.isFile(),
    ).length;
  const recordFiles = (id: string) =>
    existsSync(join(storageDir, docsId, id)) ? readdirSync(join(storageDir, docsId, id)) : [];

  beforeAll(async () => {
    mkdirSync(join(extensions, 'hooks', 'files'), { recursive: true });
    writeFileSync(join(extensions, 'hooks', 'files', 'index.js'), EXTENSION);
    server = await startServer(dialect, {
      extensions,
      setup: (app) => {
        app.hooks.action('files.upload', (meta) => {
          uploads.push({
            key: meta.key,
            collection: meta.collection,
            storage: meta.storage,
            name: (meta.payload as { originalName?: unknown }).originalName,
          });
        });
      },
    });
    storageDir = join(server.storage.dir, 'storage');
    admin = client(server.url);
    await admin.collection('_superusers').authWithPassword(ADMIN_EMAIL, ADMIN_PASSWORD);
    const docs = await admin.collections.create({
      name: 'docs',
      type: 'base',
      listRule: '',
      viewRule: '',
      createRule: '',
      updateRule: '',
      deleteRule: '',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'pages', type: 'number' },
        { name: 'tags', type: 'json' },
        {
          name: 'avatar',
          type: 'file',
          maxSelect: 1,
          maxSize: 500_000,
          mimeTypes: ['image/png', 'image/jpeg', 'image/webp'],
          thumbs: ['50x50', '0x40', '60x30f'],
        },
        { name: 'attachments', type: 'file', maxSelect: 3, maxSize: 1000 },
        { name: 'secret', type: 'file', maxSelect: 1, protected: true },
      ],
    });
    docsId = docs.id;
  });

  afterAll(async () => {
    await server?.stop();
    rmSync(extensions, { recursive: true, force: true });
  });

  const docs = () => admin.collection('docs');

  describe('uploads', () => {
    it('stores files sent as FormData under PocketBase names, one as a string, several as a list', async () => {
      const form = new FormData();
      form.append('title', 'first');
      form.append('avatar', file(await png(), 'My Photo.png', 'image/png'));
      form.append('attachments', file('one', 'notes one.txt'));
      form.append('attachments', file('two', 'notesTwo.txt'));
      const record = await docs().create(form);
      expect(record.title).toBe('first');
      expect(record.avatar).toMatch(/^my_photo_[a-z0-9]{10}\.png$/);
      expect(record.attachments).toHaveLength(2);
      expect(record.attachments[0]).toMatch(/^notes_one_[a-z0-9]{10}\.txt$/);
      expect(record.attachments[1]).toMatch(/^notes_two_[a-z0-9]{10}\.txt$/);
      expect(recordFiles(record.id).sort()).toEqual([record.avatar, ...record.attachments].sort());
      expect(readFileSync(join(storageDir, docsId, record.id, record.attachments[1]), 'utf8')).toBe('two');
      expect(seen.uploadedFiles.at(-1)).toEqual({
        avatar: ['My Photo.png'],
        attachments: ['notes one.txt', 'notesTwo.txt'],
      });
      await server.app.hooks.drain();
      const keys = uploads.map((upload) => upload.key);
      expect(keys).toContain(`${docsId}/${record.id}/${record.avatar}`);
      expect(uploads.at(-1)).toMatchObject({ collection: 'docs', storage: 'local' });
    });

    it('takes a plain object with File values (other fields in @jsonPayload)', async () => {
      const record = await docs().create({
        title: 'object',
        pages: 12,
        tags: ['a', 'b'],
        attachments: [file('x', 'x.txt'), file('y', 'y.txt')],
      });
      expect(record).toMatchObject({ title: 'object', pages: 12, tags: ['a', 'b'] });
      expect(record.attachments).toHaveLength(2);
    });

    it('appends with field+, removes by name with field-, and clears with [] (old files removed after commit)', async () => {
      const record = await docs().create({ title: 'edit', attachments: [file('a', 'a.txt')] });
      const [first] = record.attachments as string[];
      const appended = await docs().update(record.id, {
        'attachments+': [file('b', 'b.txt'), file('c', 'c.txt')],
      });
      expect(appended.attachments).toHaveLength(3);
      expect(appended.attachments[0]).toBe(first);
      const removed = await docs().update(record.id, { 'attachments-': [first] });
      expect(removed.attachments).toEqual(appended.attachments.slice(1));
      await vi.waitFor(() => expect(recordFiles(record.id)).not.toContain(first));
      const cleared = await docs().update(record.id, { attachments: [] });
      expect(cleared.attachments).toEqual([]);
      await vi.waitFor(() => expect(recordFiles(record.id)).toEqual([]));
    });

    it('replaces a single file and removes the old one with its thumbs', async () => {
      const record = await docs().create({ title: 'swap', avatar: file(await png(), 'a.png') });
      const thumb = await fetch(admin.files.getURL(record, record.avatar, { thumb: '50x50' }));
      expect(thumb.status).toBe(200);
      const thumbs = join(storageDir, docsId, record.id, `thumbs_${record.avatar}`);
      expect(existsSync(thumbs)).toBe(true);
      const swapped = await docs().update(record.id, { avatar: file(await png(20, 20), 'b.png') });
      expect(swapped.avatar).toMatch(/^b[a-z0-9]{10}_[a-z0-9]{10}\.png$/);
      await vi.waitFor(() => expect(recordFiles(record.id)).toEqual([swapped.avatar]));
    });

    it('refuses a file larger than its field allows with a 400 naming the field, storing nothing', async () => {
      const before = fileCount();
      const error = await failure(
        docs().create({ title: 'big', attachments: [file('x'.repeat(1001), 'big.txt')] }),
      );
      expect(error.status).toBe(400);
      expect(error.response.data.attachments.code).toBe('validation_file_size_limit');
      expect(fileCount()).toBe(before);
      expect(await server.count('docs', 'title = "big"')).toBe(0);
    });

    it('sniffs the type: a .png that is an executable is refused', async () => {
      const error = await failure(
        docs().create({ title: 'exe', avatar: file(ELF, 'innocent.png', 'image/png') }),
      );
      expect(error.status).toBe(400);
      expect(error.response.data.avatar.code).toBe('validation_invalid_mime_type');
      expect(await server.count('docs', 'title = "exe"')).toBe(0);
    });

    it('refuses too many files, files for a field that is not a file field, and names the record does not have', async () => {
      const many = await failure(
        docs().create({
          attachments: [file('1', '1.txt'), file('2', '2.txt'), file('3', '3.txt'), file('4', '4.txt')],
        }),
      );
      expect(many.response.data.attachments.code).toBe('validation_too_many_files');
      const wrongField = await failure(docs().create({ title: file('t', 't.txt') }));
      expect(wrongField.response.data.title.code).toBe('validation_invalid_file');
      const other = await docs().create({ attachments: [file('o', 'o.txt')] });
      const stolen = await failure(docs().create({ attachments: other.attachments }));
      expect(stolen.response.data.attachments.code).toBe('validation_invalid_file');
    });

    it('removes the stored files of a write that rolls back', async () => {
      const before = fileCount();
      const error = await failure(
        docs().create({ title: 'refused by a hook', attachments: [file('r', 'r.txt')] }),
      );
      expect(error.status).toBe(400);
      // a rule checked after the insert: the file was stored, then removed with the rollback
      await admin.collections.update('docs', { createRule: 'title != "refused by rule"' });
      const uploadsBefore = uploads.length;
      const ruled = await failure(
        client(server.url)
          .collection('docs')
          .create({ title: 'refused by rule', attachments: [file('r', 'r.txt')] }),
      );
      expect(ruled.status).toBe(400);
      await admin.collections.update('docs', { createRule: '' });
      expect(fileCount()).toBe(before);
      await server.app.hooks.drain();
      expect(uploads.length).toBe(uploadsBefore);
    });

    it('removes files stored by a service call when the outer transaction rolls back', async () => {
      const app = server.app;
      const before = fileCount();
      const stop = app.hooks.filter(
        'records.create',
        async (payload, _meta, ctx) => {
          if ((payload as { title?: string }).title !== 'outer') return payload;
          const upload = await UploadedFile.from('inner.txt', Buffer.from('inner'));
          const inner = await ctx.services.records.create(
            'docs',
            { title: 'inner', attachments: [upload] },
            ctx,
          );
          expect(recordFiles(inner.id)).toHaveLength(1);
          throw new Error('the outer write fails');
        },
        { tags: ['docs'] },
      );
      try {
        const error = await failure(docs().create({ title: 'outer' }));
        expect(error.status).toBe(500);
      } finally {
        stop();
      }
      expect(fileCount()).toBe(before);
      expect(await server.count('docs', 'title = "inner"')).toBe(0);
    });

    it('removes a deleted record’s files after the commit', async () => {
      const record = await docs().create({ title: 'gone', attachments: [file('g', 'g.txt')] });
      expect(recordFiles(record.id)).toHaveLength(1);
      await docs().delete(record.id);
      await vi.waitFor(() => expect(existsSync(join(storageDir, docsId, record.id))).toBe(false));
    });
  });

  it('removes a deleted collection’s files after the commit', async () => {
    const temp = await admin.collections.create({
      name: 'temp_files',
      type: 'base',
      fields: [{ name: 'doc', type: 'file', maxSelect: 1 }],
    });
    await admin.collection('temp_files').create({ doc: file('t', 't.txt') });
    expect(existsSync(join(storageDir, temp.id))).toBe(true);
    await admin.collections.delete(temp.id);
    await vi.waitFor(() => expect(existsSync(join(storageDir, temp.id))).toBe(false));
  });

  describe('downloads', () => {
    let record: RecordModel;
    let original: Buffer;

    beforeAll(async () => {
      original = await png();
      record = await docs().create({
        title: 'served',
        avatar: file(original, 'pic.png'),
        attachments: [file('<html><script>alert(1)</script></html>', 'page.html')],
      });
    });

    it('serves the bytes with a strict CSP, long caching, inline for images and attachment on download=1', async () => {
      const response = await fetch(admin.files.getURL(record, record.avatar));
      expect(response.status).toBe(200);
      expect(Buffer.from(await response.arrayBuffer()).equals(original)).toBe(true);
      expect(response.headers.get('content-type')).toBe('image/png');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(response.headers.get('content-security-policy')).toContain('sandbox');
      expect(response.headers.get('cache-control')).toContain('max-age=2592000');
      expect(response.headers.get('content-disposition')).toMatch(/^inline; filename="pic_/);
      const download = await fetch(admin.files.getURL(record, record.avatar, { download: true }));
      expect(download.headers.get('content-disposition')).toMatch(/^attachment;/);
      const html = await fetch(admin.files.getURL(record, record.attachments[0]));
      expect(html.headers.get('content-disposition')).toMatch(/^attachment;/);
    });

    it('makes listed thumbs (and 100x100) on first request, keeps them, and serves the original otherwise', async () => {
      for (const [thumb, width, height] of [
        ['50x50', 50, 50],
        ['0x40', 53, 40],
        ['60x30f', 40, 30],
        ['100x100', 100, 100],
        ['70x70', 400, 300],
      ] as const) {
        const response = await fetch(admin.files.getURL(record, record.avatar, { thumb }));
        expect(response.status, thumb).toBe(200);
        const meta = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
        expect([meta.width, meta.height], thumb).toEqual([width, height]);
      }
      const thumbs = readdirSync(join(storageDir, docsId, record.id, `thumbs_${record.avatar}`)).sort();
      expect(thumbs).toEqual(
        ['0x40', '100x100', '50x50', '60x30f'].map((spec) => `${spec}_${record.avatar}`).sort(),
      );
      const again = await fetch(admin.files.getURL(record, record.avatar, { thumb: '50x50' }));
      expect((await sharp(Buffer.from(await again.arrayBuffer())).metadata()).width).toBe(50);
    });

    it('serves the original when a thumb cannot be made', async () => {
      const broken = await docs().create({ attachments: [file('not an image', 'fake.png')] });
      const response = await fetch(admin.files.getURL(broken, broken.attachments[0], { thumb: '100x100' }));
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('not an image');
    });

    it('gives webp originals webp thumbs', async () => {
      const withWebp = await docs().create({ avatar: file(await webp(), 'pic.webp') });
      const response = await fetch(admin.files.getURL(withWebp, withWebp.avatar, { thumb: '50x50' }));
      expect(response.headers.get('content-type')).toBe('image/webp');
      expect((await sharp(Buffer.from(await response.arrayBuffer())).metadata()).format).toBe('webp');
    });

    it('answers 404 for unknown collections, records and names, and for traversal attempts', async () => {
      for (const path of [
        `/api/files/nope/${record.id}/${record.avatar}`,
        `/api/files/docs/nope/${record.avatar}`,
        `/api/files/docs/${record.id}/other.png`,
        `/api/files/docs/${record.id}/..%2F..%2Fdata.db`,
        `/api/files/docs/${record.id}/%2E%2E`,
      ]) {
        expect((await server.request('GET', path)).status, path).toBe(404);
      }
    });

    it('runs onFileDownloadRequest: it sees the record and field, may rename or refuse', async () => {
      await fetch(admin.files.getURL(record, record.avatar));
      expect(seen.downloads.at(-1)).toEqual({
        field: 'avatar',
        servedPath: `${docsId}/${record.id}/${record.avatar}`,
        title: 'served',
      });
      const renamed = await docs().create({ title: 'renamed', attachments: [file('r', 'r.txt')] });
      const response = await fetch(admin.files.getURL(renamed, renamed.attachments[0]));
      expect(response.headers.get('content-disposition')).toBe('attachment; filename="renamed.txt"');
      const hidden = await docs().create({ title: 'hidden', attachments: [file('h', 'h.txt')] });
      expect((await fetch(admin.files.getURL(hidden, hidden.attachments[0]))).status).toBe(403);
    });
  });

  describe('protected files', () => {
    it('need a file token from getToken and the view rule; a refusal is a 404', async () => {
      await admin.collections.update('docs', { viewRule: '@request.auth.id != ""' });
      try {
        const record = await docs().create({ title: 'private', secret: file('top secret', 'secret.txt') });
        const user = await signUp(server, 'reader');
        const pb = client(server.url);
        pb.authStore.save(user.token, null);
        const url = (token?: string) => pb.files.getURL(record, record.secret, token ? { token } : {});
        expect((await fetch(url())).status).toBe(404);
        expect((await fetch(url('not-a-token'))).status).toBe(404);
        const token = await pb.files.getToken();
        const allowed = await fetch(url(token));
        expect(allowed.status).toBe(200);
        expect(await allowed.text()).toBe('top secret');
        // a user's auth token is not a file token
        expect((await fetch(url(user.token))).status).toBe(404);
        expect(seen.tokens.before.at(-1)).toBe(user.id);
        await server.app.hooks.drain();
        expect(seen.tokens.after.at(-1)).toBe('string');
        // guests get no token unless a hook issues one
        const guest = await failure(client(server.url).files.getToken());
        expect(guest.status).toBe(400);
        expect(seen.tokens.before.at(-1)).toBeNull();
        // with the view rule locked, only superusers read it
        await admin.collections.update('docs', { viewRule: null });
        expect((await fetch(url(await pb.files.getToken()))).status).toBe(404);
        expect(
          (await fetch(pb.files.getURL(record, record.secret, { token: await admin.files.getToken() })))
            .status,
        ).toBe(200);
      } finally {
        await admin.collections.update('docs', { viewRule: '' });
      }
    });
  });
});
