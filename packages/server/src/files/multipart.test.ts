import multipart from '@fastify/multipart';
import { SluiceError } from '@sluice/hooks';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import type { Collection, Field } from '../collections/types.ts';
import { inferFormValue, multipartInput, targetFieldName } from './multipart.ts';
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
    field('avatar', { maxSize: 10 }),
    field('files', { maxSelect: 3 }),
  ],
} as unknown as Collection;

/** Sends `form` to a server that answers with what `multipartInput` made of it (files as their JSON). */
async function parse(form: FormData, otherFields = 1000) {
  const http = Fastify();
  await http.register(multipart);
  http.post('/', async (request, reply) => {
    try {
      const input = await multipartInput(request, collection, otherFields);
      const shown = Object.fromEntries(
        Object.entries(input).map(([key, value]) => [
          key,
          Array.isArray(value)
            ? value.map((entry) =>
                entry instanceof UploadedFile ? { file: entry.originalName, size: entry.size } : entry,
              )
            : value instanceof UploadedFile
              ? { file: value.originalName, size: value.size }
              : value,
        ]),
      );
      return shown;
    } catch (error) {
      if (error instanceof SluiceError) return reply.status(error.status).send({ data: error.details });
      throw error;
    }
  });
  const encoded = new Request('http://127.0.0.1/', { method: 'POST', body: form });
  const answer = await http.inject({
    method: 'POST',
    url: '/',
    payload: Buffer.from(await encoded.arrayBuffer()),
    headers: { 'content-type': encoded.headers.get('content-type')! },
  });
  await http.close();
  return { status: answer.statusCode, body: answer.json() };
}

describe('multipart record input', () => {
  it('reads plain parts, @jsonPayload and files the way the PocketBase SDK sends them', async () => {
    const form = new FormData();
    form.append('title', 'hello');
    form.append('count', '12');
    form.append('flag', 'true');
    form.append('@jsonPayload', JSON.stringify({ tags: ['a', 'b'], nested: { x: 1 } }));
    form.append('files+', new File(['one'], 'one.txt'));
    form.append('files+', new File(['two!'], 'two.txt'));
    form.append('avatar', new File(['12345'], 'a.png'));
    const { status, body } = await parse(form);
    expect(status).toBe(200);
    expect(body).toEqual({
      title: 'hello',
      count: 12,
      flag: true,
      tags: ['a', 'b'],
      nested: { x: 1 },
      'files+': [
        { file: 'one.txt', size: 3 },
        { file: 'two.txt', size: 4 },
      ],
      avatar: { file: 'a.png', size: 5 },
    });
  });

  it('stops at a file larger than its field allows, naming the field', async () => {
    const form = new FormData();
    form.append('avatar', new File(['x'.repeat(11)], 'a.png'));
    const { status, body } = await parse(form);
    expect(status).toBe(400);
    expect(body.data.avatar.code).toBe('validation_file_size_limit');
  });

  it('refuses files for fields that are not file fields, and @jsonPayload that is not an object', async () => {
    const wrong = new FormData();
    wrong.append('title', new File(['x'], 'x.txt'));
    expect((await parse(wrong)).body.data.title.code).toBe('validation_invalid_file');
    const payload = new FormData();
    payload.append('@jsonPayload', '[1]');
    expect((await parse(payload)).body.data['@jsonPayload'].code).toBe('validation_invalid_json');
  });

  it('refuses a body larger than the fields allow', async () => {
    const form = new FormData();
    form.append('title', 'x'.repeat(500));
    form.append('other', 'y'.repeat(600));
    const { status, body } = await parse(form, 1000);
    expect(status).toBe(400);
    expect(Object.values(body.data as Record<string, { code: string }>)[0].code).toBe(
      'validation_body_size_limit',
    );
    const single = new FormData();
    single.append('title', 'x'.repeat(1001));
    expect((await parse(single, 1000)).body.data.title.code).toBe('validation_body_size_limit');
  });

  it('infers values as PocketBase does and finds the field a modifier writes', () => {
    expect([
      inferFormValue('1.5'),
      inferFormValue('0001'),
      inferFormValue(''),
      inferFormValue('false'),
    ]).toEqual([1.5, '0001', '', false]);
    expect(['files', 'files+', '+files', 'files-'].map(targetFieldName)).toEqual([
      'files',
      'files',
      'files',
      'files',
    ]);
  });
});
