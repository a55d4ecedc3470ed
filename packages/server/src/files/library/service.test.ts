import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterEach, describe, expect, it } from 'vitest';
import { bootstrapTestApp } from '../../app/testing.ts';
import { inTransaction } from '../../app/transaction.ts';
import type { App } from '../../app/types.ts';
import { fileKey, type LibraryFile } from './store.ts';
import type { UploadedContent } from './upload.ts';

let cleanup: (() => Promise<void>) | undefined;

afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function testApp(): Promise<App> {
  const started = await bootstrapTestApp();
  cleanup = started.cleanup;
  return started.app;
}

function textContent(words: string, filename = 'notes.txt'): UploadedContent {
  return {
    filename,
    type: 'text/plain',
    extension: '.txt',
    size: Buffer.byteLength(words),
    width: 0,
    height: 0,
    open: () => Readable.from([Buffer.from(words)]),
    discard: async () => {},
  };
}

describe('FilesLibraryService', () => {
  it('stores a file with a title from its name, in a folder, and lists it by folder', async () => {
    const app = await testApp();
    const ctx = app.context();
    const folder = await app.services.folders.create({ name: 'Docs' }, ctx);
    const file = await app.services.filesLibrary.create(
      { folder: folder.id },
      textContent('hello', 'my_notes-v2.txt'),
      ctx,
    );
    expect(file).toMatchObject({ title: 'my notes v2', folder: folder.id, storage: 'local', filesize: 5 });
    expect(await text((await app.services.storage.get(fileKey(file)))!.body)).toBe('hello');
    const listed = await app.services.filesLibrary.list({ filter: "folder.name = 'Docs'" });
    expect(listed.items.map((item) => item.id)).toEqual([file.id]);
    expect((await app.services.filesLibrary.list({ filter: "folder.name = 'Other'" })).totalItems).toBe(0);
  });

  it("a create joined to a hook's transaction that rolls back leaves no row, no content and fires no action", async () => {
    const app = await testApp();
    const fired: string[] = [];
    app.hooks.action('files.create', () => void fired.push('files.create'));
    app.hooks.action('files.upload', () => void fired.push('files.upload'));
    let created: LibraryFile | undefined;
    const failing = inTransaction(app, app.context(), async (tx) => {
      created = await app.services.filesLibrary.create({ title: 'kept?' }, textContent('bytes'), tx);
      expect(await app.services.storage.stat(fileKey(created))).toBeDefined();
      throw new Error('the outer write fails');
    });
    await expect(failing).rejects.toThrow('the outer write fails');
    await app.hooks.drain();
    expect((await app.services.filesLibrary.list({})).totalItems).toBe(0);
    expect(await app.services.storage.stat(fileKey(created!))).toBeUndefined();
    expect(fired).toEqual([]);
  });

  it("a replaced content is removed when the hook's transaction it joined rolls back; the former stays", async () => {
    const app = await testApp();
    const file = await app.services.filesLibrary.create({}, textContent('first'), app.context());
    let replaced: LibraryFile | undefined;
    const failing = inTransaction(app, app.context(), async (tx) => {
      replaced = await app.services.filesLibrary.update(file.id, {}, textContent('second'), tx);
      throw new Error('the outer write fails');
    });
    await expect(failing).rejects.toThrow('the outer write fails');
    expect(replaced!.filenameDisk).not.toBe(file.filenameDisk);
    expect(await app.services.storage.stat(fileKey(replaced!))).toBeUndefined();
    expect(await text((await app.services.storage.get(fileKey(file)))!.body)).toBe('first');
    expect(await app.services.filesLibrary.view(file.id)).toMatchObject({ filenameDisk: file.filenameDisk });
  });

  it('replaces content under a new name and removes the former one after the commit', async () => {
    const app = await testApp();
    const ctx = app.context();
    const file = await app.services.filesLibrary.create({}, textContent('one'), ctx);
    const replaced = await app.services.filesLibrary.update(
      file.id,
      { title: 'Two' },
      textContent('two'),
      ctx,
    );
    expect(replaced.filenameDisk).not.toBe(file.filenameDisk);
    expect(await text((await app.services.storage.get(fileKey(replaced)))!.body)).toBe('two');
    await expect.poll(() => app.services.storage.stat(fileKey(file))).toBeUndefined();
  });
});

describe('FoldersService', () => {
  it('refuses blank names, missing parents and cycles, naming the field', async () => {
    const app = await testApp();
    const ctx = app.context();
    await expect(app.services.folders.create({ name: '  ' }, ctx)).rejects.toMatchObject({
      status: 400,
      details: { name: { code: 'validation_required' } },
    });
    await expect(app.services.folders.create({ name: 'A', parent: 'missing' }, ctx)).rejects.toMatchObject({
      details: { parent: { code: 'validation_missing_folder' } },
    });
    const a = await app.services.folders.create({ name: 'A' }, ctx);
    const b = await app.services.folders.create({ name: 'B', parent: a.id }, ctx);
    const c = await app.services.folders.create({ name: 'C', parent: b.id }, ctx);
    for (const parent of [a.id, c.id])
      await expect(app.services.folders.update(a.id, { parent }, ctx)).rejects.toMatchObject({
        details: { parent: { code: 'validation_folder_cycle' } },
      });
    expect(await app.services.folders.update(c.id, { parent: '' }, ctx)).toMatchObject({ parent: '' });
  });
});
