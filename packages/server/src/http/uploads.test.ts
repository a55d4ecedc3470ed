import { existsSync } from 'node:fs';
import Fastify from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import { decorateCaller } from './caller.ts';
import { uploads } from './uploads.ts';

const form = (boundary: string) =>
  [
    `--${boundary}`,
    'Content-Disposition: form-data; name="title"',
    '',
    'A post',
    `--${boundary}`,
    'Content-Disposition: form-data; name="file"; filename="a.txt"',
    'Content-Type: text/plain',
    '',
    'some text',
    `--${boundary}--`,
    '',
  ].join('\r\n');

async function server() {
  const http = Fastify();
  decorateCaller(http);
  http.addHook('onRequest', (request, reply, done) => {
    request.rawResponse = reply.raw;
    done();
  });
  await http.register(uploads);
  let saved: string[] = [];
  http.post('/streamed', async (request) => {
    const names: string[] = [];
    for await (const part of request.parts()) {
      names.push(part.fieldname);
      if (part.type === 'file') await part.toBuffer();
    }
    return { names };
  });
  http.post('/saved', async (request) => {
    const { files } = await request.saveRequestFiles();
    saved = files.map((file) => file.filepath);
    return { present: saved.every((path) => existsSync(path)) };
  });
  return { http, saved: () => saved };
}

describe('uploads', () => {
  it('adds no hook to every request, and still reads forms part by part', async () => {
    const { http } = await server();
    expect(http.printRoutes({ includeHooks: true })).not.toMatch(/onRequest\) \[.*,|onResponse/);
    const answer = await http.inject({
      method: 'POST',
      url: '/streamed',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      payload: form('x'),
    });
    expect(answer.json()).toEqual({ names: ['title', 'file'] });
  });

  it('deletes the files saveRequestFiles wrote once the response has been sent', async () => {
    const { http, saved } = await server();
    const answer = await http.inject({
      method: 'POST',
      url: '/saved',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      payload: form('x'),
    });
    expect(answer.json()).toEqual({ present: true });
    expect(saved()).toHaveLength(1);
    await vi.waitFor(() => expect(saved().some((path) => existsSync(path))).toBe(false));
  });
});
