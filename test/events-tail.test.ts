import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, startServer, type TestServer, until } from './helpers.ts';

const sluiceBin = fileURLToPath(new URL('../packages/server/bin/sluice.js', import.meta.url));

describe('sluice events tail', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer('sqlite');
    await createCollection(server, { name: 'tailed', fields: [{ name: 'n', type: 'number' }] });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('prints each event a running Sluice fires, as it fires, filtered', async () => {
    const child = spawn(
      process.execPath,
      [
        sluiceBin,
        'events',
        'tail',
        '--url',
        server.url,
        '--filter',
        'records.*',
        '--extensions',
        '/nonexistent',
      ],
      { env: { PATH: process.env.PATH, SLUICE_TOKEN: server.adminToken }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await until(() => server.app.services.events.stream.size === 1, 20_000, 'the tail connected');
      await server.request('PATCH', '/api/settings', {
        token: server.adminToken,
        body: { meta: { appName: 'T' } },
      });
      await server.request('POST', '/api/collections/tailed/records', {
        token: server.adminToken,
        body: { n: 7 },
      });
      await until(() => output.includes('records.create'), 10_000, 'the record event printed');
      const lines = output.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^\S+ records\.create records\/tailed\/create \{.*"n":7/);
    } finally {
      child.kill();
      await exited;
    }
  });

  it('says why when the token is not a superuser’s', async () => {
    const child = spawn(
      process.execPath,
      [sluiceBin, 'events', 'tail', '--url', server.url, '--extensions', '/nonexistent'],
      {
        env: { PATH: process.env.PATH },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(errors).toMatch('Sluice refused the event stream (401)');
  });
});
