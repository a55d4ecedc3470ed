import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, startServer, type TestServer } from './helpers.ts';

// An extensions folder outside the repository (no node_modules near it) importing the server's
// own modules by their package names, as Directus and Sluice extensions do.

const FILES: Record<string, string> = {
  'hooks/guard/index.mjs': `
import { defineHook } from '@directus/extensions-sdk';
import { InvalidPayloadError } from '@sluice/hooks';
import { events } from 'sluice';
import { defineHook as sluiceDefineHook } from 'sluice/extensions';

export default defineHook(({ filter }) => {
  filter('posts.items.create', (payload) => {
    if (payload.title === 'bad') throw new InvalidPayloadError('Bad title.');
    const kinds = typeof sluiceDefineHook + ', ' + events.some((row) => row.name === 'records.create');
    return { ...payload, title: payload.title + ' (' + kinds + ')' };
  });
});
`,
  'endpoints/hello/index.ts': `
import { defineEndpoint } from '@directus/extensions-sdk';

export default defineEndpoint((router) => {
  router.get('/', (_req, res) => res.json({ hello: 'world' }));
});
`,
};

describe('extension files outside the repository', () => {
  let server: TestServer;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-outside-'));
    for (const [path, source] of Object.entries(FILES)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), source);
    }
    server = await startServer('sqlite', { extensions: dir });
    await createCollection(server, {
      name: 'posts',
      fields: [{ name: 'title', type: 'text' }],
      createRule: '',
    });
  });

  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('resolve @directus/extensions-sdk, @sluice/hooks, sluice and sluice/extensions to the running server', async () => {
    expect(server.app.extensions.map((extension) => extension.error?.message ?? null)).toEqual([null, null]);
    const created = await server.request('POST', '/api/collections/posts/records', { body: { title: 'ok' } });
    expect(created.body.title).toBe('ok (function, true)');
    // the server's own error class: answered as it is, not wrapped as a hook failure
    const refused = await server.request('POST', '/api/collections/posts/records', {
      body: { title: 'bad' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe('Bad title.');
    const hello = await server.request('GET', '/hello');
    expect(hello.body).toEqual({ hello: 'world' });
  });
});
