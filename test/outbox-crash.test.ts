import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FIRED_EVENTS_DIR } from '../packages/server/src/catalogue/fired-events.ts';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  createStorage,
  type Dialect,
  dialects,
  request,
  type Storage,
  until,
} from './helpers.ts';
import { eventually, freePort } from './receiver.ts';

const sluiceBin = fileURLToPath(new URL('../packages/server/bin/sluice.js', import.meta.url));
const RECORDS = 20;

/** `sluice serve` as its own process, on `port`, ready to answer. */
async function serve(storage: Storage, port: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [sluiceBin, 'serve', '--dir', storage.dir, '--http', `127.0.0.1:${port}`],
    {
      env: {
        PATH: process.env.PATH,
        SLUICE_DATABASE_URL: storage.databaseUrl,
        SLUICE_ADMIN_EMAIL: ADMIN_EMAIL,
        SLUICE_ADMIN_PASSWORD: ADMIN_PASSWORD,
        SLUICE_WEBHOOKS_ALLOW_PRIVATE: 'true',
        SLUICE_WEBHOOKS_POLL_MS: '100',
        SLUICE_WEBHOOKS_RETRY_MS: '100,100,100,100,100',
        // what a killed process held comes back soon, not after the default minute
        SLUICE_WEBHOOKS_LEASE_MS: '1500',
        SLUICE_LOG_LEVEL: 'warn',
        [FIRED_EVENTS_DIR]: process.env[FIRED_EVENTS_DIR],
      },
      stdio: 'ignore',
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await eventually(
    () =>
      request(url, 'GET', '/api/health').then(
        (response) => response.status,
        () => 0,
      ),
    (status) => status === 200,
    20_000,
  );
  return child;
}

describe.each(dialects)('the outbox through a kill -9 (%s)', (dialect: Dialect) => {
  const children: ChildProcess[] = [];
  const held: ServerResponse[] = [];
  const received: { webhookId: string; record: string; phase: string }[] = [];
  let phase: 'before' | 'after' = 'before';
  const receiver = createServer((incoming: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { metadata: { id: string } };
      received.push({ webhookId: String(incoming.headers['webhook-id']), record: body.metadata.id, phase });
      // before the kill nothing is answered: the deliveries stay in flight
      if (phase === 'before') held.push(response);
      else response.writeHead(204).end();
    });
  });
  let storage: Storage | undefined;

  afterAll(async () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
    await storage?.destroy();
  });

  it('delivers every committed event after a restart, a redelivery with the same webhook-id', async () => {
    storage = await createStorage(dialect);
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const first = await serve(storage, port);
    children.push(first);
    const login = await request(url, 'POST', '/api/collections/_superusers/auth-with-password', {
      body: { identity: ADMIN_EMAIL, password: ADMIN_PASSWORD },
    });
    const token = login.body.token as string;
    expect(
      (
        await request(url, 'POST', '/api/collections', {
          token,
          body: { name: 'crash', type: 'base', fields: [{ name: 'n', type: 'number' }] },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await request(url, 'POST', '/api/webhooks', {
          token,
          body: { url: hook, events: ['records.create'] },
        })
      ).status,
    ).toBe(200);

    const committed: string[] = [];
    for (let n = 0; n < RECORDS; n++) {
      const created = await request(url, 'POST', '/api/collections/crash/records', { token, body: { n } });
      expect(created.status).toBe(200);
      committed.push(created.body.id as string);
    }
    await until(() => held.length > 0, 10_000, 'deliveries in flight');
    const exited = new Promise((resolve) => first.once('exit', resolve));
    first.kill('SIGKILL');
    await exited;
    phase = 'after';
    for (const response of held) response.destroy();
    expect(received.filter((entry) => entry.phase === 'after')).toEqual([]);

    children.push(await serve(storage, port));
    await until(
      () => committed.every((id) => received.some((entry) => entry.phase === 'after' && entry.record === id)),
      30_000,
      'every committed event delivered after the restart',
    );
    // one webhook-id per event, whichever process sent it
    for (const id of committed) {
      const ids = new Set(received.filter((entry) => entry.record === id).map((entry) => entry.webhookId));
      expect(ids.size, id).toBe(1);
    }
    const inFlight = received.filter((entry) => entry.phase === 'before');
    expect(inFlight.length).toBeGreaterThan(0);
    for (const { webhookId } of inFlight)
      expect(received.some((entry) => entry.phase === 'after' && entry.webhookId === webhookId)).toBe(true);
  });
});
