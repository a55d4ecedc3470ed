import { describe, expect, it } from 'vitest';
import type { Collection, Field } from '../collections/types.ts';
import { checkFileNames, fileNames, recordFileKey, takeUploads } from './record-files.ts';
import { UploadedFile } from './uploaded-file.ts';

const field = (name: string, options: Partial<Field> = {}): Field => ({
  id: name,
  name,
  type: 'file',
  ...options,
});
const collection = {
  id: 'pbc_1',
  name: 'docs',
  fields: [
    { id: 't', name: 'title', type: 'text' },
    field('avatar', { maxSize: 100, mimeTypes: ['image/png'] }),
    field('files', { maxSelect: 2 }),
  ],
} as unknown as Collection;

const text = (name: string, content = 'hello') => UploadedFile.from(name, Buffer.from(content));

function problemOf(fn: () => unknown): Record<string, { code: string }> {
  try {
    fn();
  } catch (error) {
    return (error as { details: Record<string, { code: string }> }).details;
  }
  throw new Error('No error was thrown.');
}

describe('record files', () => {
  it('turns uploads into their stored names and returns them by field', async () => {
    const a = await text('a.txt');
    const b = await text('b.txt');
    const { input, uploads } = takeUploads(collection, { title: 'x', 'files+': [a, 'kept.txt', b] });
    expect(input).toEqual({ title: 'x', 'files+': [a.name, 'kept.txt', b.name] });
    expect(uploads).toEqual({ files: [a, b] });
    expect(a.toJSON()).toEqual({ name: a.name, originalName: 'a.txt', size: 5, type: 'text/plain' });
  });

  it('keeps the last file given to a single-file field', async () => {
    const first = await UploadedFile.from('1.png', Buffer.alloc(0));
    const last = await UploadedFile.from('2.png', Buffer.alloc(0));
    const single = { ...collection, fields: [field('doc')] } as Collection;
    const { input, uploads } = takeUploads(single, { doc: [first, last] });
    expect(uploads).toEqual({ doc: [last] });
    expect(input).toEqual({ doc: [first.name, last.name] });
  });

  it('leaves an input without uploads as it is', () => {
    const input = { title: 'x', files: ['a.txt'] };
    expect(takeUploads(collection, input)).toEqual({ input, uploads: undefined });
  });

  it('checks count, size and sniffed type against the field, naming it', async () => {
    const many = [await text('1.txt'), await text('2.txt'), await text('3.txt')];
    expect(problemOf(() => takeUploads(collection, { files: many })).files.code).toBe(
      'validation_too_many_files',
    );
    const big = await UploadedFile.from('big.png', Buffer.alloc(101));
    expect(problemOf(() => takeUploads(collection, { avatar: big })).avatar.code).toBe(
      'validation_file_size_limit',
    );
    const notPng = await text('fake.png');
    expect(problemOf(() => takeUploads(collection, { avatar: notPng })).avatar.code).toBe(
      'validation_invalid_mime_type',
    );
    expect(problemOf(() => takeUploads(collection, { title: notPng })).title.code).toBe(
      'validation_invalid_file',
    );
  });

  it('accepts only names the record has or that were uploaded with the write', async () => {
    const upload = await text('n.txt');
    const existing = { id: 'r1', files: JSON.stringify(['old.txt']) };
    expect(() =>
      checkFileNames(collection, { files: JSON.stringify(['old.txt', upload.name]) }, existing, {
        files: [upload],
      }),
    ).not.toThrow();
    expect(
      problemOf(() =>
        checkFileNames(collection, { files: JSON.stringify(['other.txt']) }, existing, undefined),
      ).files.code,
    ).toBe('validation_invalid_file');
    expect(
      problemOf(() => checkFileNames(collection, { avatar: 'x.png' }, undefined, undefined)).avatar.code,
    ).toBe('validation_invalid_file');
  });

  it('reads stored columns and makes keys', () => {
    expect(fileNames('["a","b"]')).toEqual(['a', 'b']);
    expect(fileNames('a.png')).toEqual(['a.png']);
    expect(fileNames('')).toEqual([]);
    expect(recordFileKey(collection, 'r1', 'a.png')).toBe('pbc_1/r1/a.png');
  });
});
