import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Dialect, dialects, startServer, type TestServer, until } from './helpers.ts';
import { eventually, freePort } from './receiver.ts';

const root = join(import.meta.dirname, '..');

/** Forwards every request on `port` to `target`: Sluice, reachable there only from now on. */
async function forward(port: number, target: string): Promise<Server> {
  const proxy = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const answer = await fetch(new URL(request.url ?? '/', target), {
        method: request.method,
        headers: request.headers as Record<string, string>,
        body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
      });
      response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? '' });
      response.end(Buffer.from(await answer.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => proxy.listen(port, '127.0.0.1', resolve));
  return proxy;
}

describe.each(dialects)("seed 000's code as a plugin process (%s)", (dialect: Dialect) => {
  let server: TestServer | undefined;
  let child: ChildProcess | undefined;
  let proxy: Server | undefined;

  afterAll(async () => {
    if (child?.exitCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill();
      await exited;
    }
    proxy?.closeAllConnections();
    await new Promise((resolve) => (proxy ? proxy.close(resolve) : resolve(undefined)));
    await server?.stop();
  });

  it('waits for Sluice, registers, gets its own custom event back and the sign-ups', async () => {
    server = await startServer(dialect, { env: { SLUICE_WEBHOOKS_POLL_MS: '50' } });
    const created = await server.request('POST', '/api/plugins', {
      token: server.adminToken,
      body: { name: 'my-plugin' },
    });
    expect(created.status).toBe(200);
    const port = await freePort();
    let output = '';
    child = spawn(process.execPath, [join(root, 'examples/qelos-plugin/plugin.js')], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        SLUICE_URL: `http://127.0.0.1:${port}`,
        SLUICE_PLUGIN_KEY: created.body.key,
        HOST: '127.0.0.1',
        PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

    await until(() => output.includes('not answering'), 10_000, 'the plugin trying to reach Sluice');
    proxy = await forward(port, server.url);
    await until(
      () => output.includes('you reached the good place.'),
      20_000,
      `the custom event back: ${output}`,
    );

    const view = await server.request('GET', `/api/plugins/${created.body.id}`, { token: server.adminToken });
    expect(view.body.subscriptions).toEqual([
      { source: 'auth', kind: 'signup', eventName: 'user-registered' },
      { source: 'plugin:my-plugin', kind: '*', eventName: '*' },
    ]);

    const signUp = await server.request('POST', '/api/collections/users/records', {
      body: { email: 'new@example.com', password: 'a-password-123', passwordConfirm: 'a-password-123' },
    });
    expect(signUp.status, signUp.text).toBe(200);
    const deliveries = await eventually(
      async () =>
        (
          await server?.request('GET', `/api/plugins/${created.body.id}/deliveries`, {
            token: server.adminToken,
          })
        )?.body.items as { name: string; status: string; payload: Record<string, unknown> }[],
      (items) => items.some((item) => item.name === 'auth.signup' && item.status === 'delivered'),
    );
    expect(deliveries.find((item) => item.name === 'auth.signup')?.payload).toMatchObject({
      source: 'auth',
      kind: 'signup',
      eventName: 'user-registered',
      user: signUp.body.id,
      metadata: { email: 'new@example.com' },
    });
    expect(deliveries.find((item) => item.name === 'plugin.event')?.status).toBe('delivered');
  });
});
