import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { FtpSrv } from 'ftp-srv';
import S3rver from 's3rver';
import { defaultSettings, type Settings } from '../settings/defaults.ts';

/** Storage servers on 127.0.0.1 for the driver and end-to-end tests. */

export const TEST_BUCKET = 'sluice-test';

export interface RunningServer {
  /** The settings that point the driver at this server. */
  settings: Settings;
  /** Where the server keeps what it is sent, on local disk. */
  dir: string;
  close(): Promise<void>;
}

/** A real S3 server (s3rver) with one bucket, `sluice-test`. */
export async function startS3Server(): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: [{ name: TEST_BUCKET }],
  });
  const { port } = (await server.run()) as AddressInfo;
  const settings = defaultSettings();
  settings.storage.driver = 's3';
  settings.s3 = {
    enabled: true,
    bucket: TEST_BUCKET,
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${port}`,
    accessKey: 'S3RVER',
    secret: 'S3RVER',
    forcePathStyle: true,
  };
  return {
    settings,
    dir,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const quiet = {
  child: () => quiet,
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
  fatal() {},
};

/** A real FTP server (ftp-srv) with one account, `sluice` / `ftp-password`. */
export async function startFtpServer(): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-ftp-'));
  const server = new FtpSrv({
    url: 'ftp://127.0.0.1:0',
    pasv_url: '127.0.0.1',
    pasv_min: 40000,
    pasv_max: 49999,
    anonymous: false,
    log: quiet as never,
  });
  server.on('login', ({ username, password }, resolve, reject) => {
    if (username === 'sluice' && password === 'ftp-password') resolve({ root: dir });
    else reject(new Error('Wrong user or password.'));
  });
  await server.listen();
  const { port } = (server as unknown as { server: { address(): AddressInfo } }).server.address();
  const settings = defaultSettings();
  settings.storage.driver = 'ftp';
  settings.ftp = {
    host: '127.0.0.1',
    port,
    user: 'sluice',
    password: 'ftp-password',
    secure: false,
    root: '/',
  };
  return {
    settings,
    dir,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One request a stand-in server was sent. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/**
 * A local HTTP server standing in for a storage service's API: it records each request and
 * answers with what `answer` returns.
 */
export async function startStandIn(
  answer: (request: RecordedRequest, response: ServerResponse) => void,
): Promise<{ url: string; requests: RecordedRequest[]; close(): Promise<void> }> {
  const requests: RecordedRequest[] = [];
  const server = createServer(async (incoming, response) => {
    const recorded = {
      method: incoming.method ?? '',
      url: incoming.url ?? '',
      headers: incoming.headers,
      body: await buffer(incoming),
    };
    requests.push(recorded);
    answer(recorded, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Answers `status` with a JSON body. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
