/**
 * Realtime memory under clients that ask for much: the server's peak RSS (`realtime-server.ts`,
 * a child process) in two cases.
 *
 * - `options`: `SLUICE_BENCH_CLIENTS` guest clients (default 4) each subscribe to
 *   `SLUICE_BENCH_TOPICS` topics (default 999) `big?options={"query":{"fields":"*,c<i>z<j>"}}`,
 *   then two records of `SLUICE_BENCH_RECORD_KB` (default 900) are created; the clients read.
 * - `stalled`: one client subscribed to `big/*` never reads while 1,100 records of 100 KB are
 *   created; `writes`: the same records with no client, for comparison.
 *
 * The server gets the `SLUICE_REALTIME_*` settings of this environment (e.g.
 * `SLUICE_REALTIME_MAX_OPTIONS=1000` lets the `options` clients subscribe past the default limit).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Answer, Ready, Request } from './realtime-server.ts';

const CLIENTS = Number(process.env.SLUICE_BENCH_CLIENTS ?? 4);
const TOPICS = Number(process.env.SLUICE_BENCH_TOPICS ?? 999);
const RECORD_KB = Number(process.env.SLUICE_BENCH_RECORD_KB ?? 900);
const STALLED_RECORDS = 1100;
const STALLED_KB = 100;
const TIMEOUT_MS = 300_000;

const here = dirname(fileURLToPath(import.meta.url));

class Server {
  #next = 1;
  readonly #pending = new Map<number, (answer: Answer) => void>();

  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.on('message', (message: Answer) => {
      const resolve = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      resolve?.(message);
    });
  }

  static start(): Promise<Server> {
    const child = fork(join(here, 'realtime-server.ts'), [], {
      execArgv: ['--import', 'tsx', '--expose-gc'],
      stdio: 'inherit',
    });
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`The server exited (${code}).`));
      child.once('exit', onExit);
      child.once('message', (message: Ready) => {
        child.off('exit', onExit);
        resolve(new Server(child, message.url));
      });
    });
  }

  ask(request: Request): Promise<Answer> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`The server exited (${code}).`));
      this.child.once('exit', onExit);
      this.#pending.set(id, (answer) => {
        this.child.off('exit', onExit);
        if (answer.error) reject(new Error(answer.error));
        else resolve(answer);
      });
      this.child.send({ id, ...request });
    });
  }
}

/** An SSE connection over a raw socket: counts the messages it reads, or reads nothing (stalled). */
interface Stream {
  socket: Socket;
  clientId: string;
  messages: number;
  ended: boolean;
}

async function openStream(url: string, stalled = false): Promise<Stream> {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  socket.write(
    `GET /api/realtime HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAccept: text/event-stream\r\n\r\n`,
  );
  const stream: Stream = { socket, clientId: '', messages: 0, ended: false };
  socket.on('error', () => {});
  socket.on('close', () => {
    stream.ended = true;
  });
  let head = '';
  stream.clientId = await new Promise<string>((resolve) => {
    const onConnect = (chunk: Buffer) => {
      head += chunk.toString();
      const match = /data:\{"clientId":"([^"]+)"\}/.exec(head);
      if (!match) return;
      socket.off('data', onConnect);
      resolve(match[1]);
    };
    socket.on('data', onConnect);
  });
  if (stalled) {
    socket.pause();
    return stream;
  }
  // messages, minus PB_CONNECT; `carry` keeps a name split between two chunks
  let carry = '';
  socket.on('data', (chunk: Buffer) => {
    const text = carry + chunk.toString('latin1');
    for (let at = text.indexOf('\nevent:'); at >= 0; at = text.indexOf('\nevent:', at + 1)) stream.messages++;
    carry = text.slice(-6);
  });
  return stream;
}

async function subscribe(url: string, clientId: string, subscriptions: string[]): Promise<number> {
  const response = await fetch(`${url}/api/realtime`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ clientId, subscriptions }),
  });
  await response.arrayBuffer();
  return response.status;
}

async function until(check: () => boolean): Promise<boolean> {
  const end = Date.now() + TIMEOUT_MS;
  while (!check()) {
    if (Date.now() > end) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

async function optionsCase() {
  const server = await Server.start();
  const streams = await Promise.all(Array.from({ length: CLIENTS }, () => openStream(server.url)));
  const statuses = await Promise.all(
    streams.map((stream, client) =>
      subscribe(
        server.url,
        stream.clientId,
        Array.from(
          { length: TOPICS },
          (_, topic) =>
            `big?options=${encodeURIComponent(JSON.stringify({ query: { fields: `*,c${client}z${topic}` } }))}`,
        ),
      ),
    ),
  );
  await server.ask({ cmd: 'resetPeak' });
  const before = await server.ask({ cmd: 'memory' });
  await server.ask({ cmd: 'create', count: 2, kb: RECORD_KB });
  await server.ask({ cmd: 'settle' });
  const expected = statuses.map((status) => (status === 204 ? 2 * TOPICS : 0));
  const done = await until(() =>
    streams.every((stream, i) => stream.ended || stream.messages >= expected[i]),
  );
  const after = await server.ask({ cmd: 'memory' });
  const dropped = streams.filter((stream) => stream.ended).length;
  for (const stream of streams) stream.socket.destroy();
  await server.ask({ cmd: 'stop' });
  return {
    case: 'options',
    clients: CLIENTS,
    topics: TOPICS,
    recordKb: RECORD_KB,
    subscribeStatuses: [...new Set(statuses)],
    messagesRead: streams.reduce((sum, stream) => sum + stream.messages, 0),
    clientsDropped: dropped,
    finished: done,
    baseRssMb: before.rssMb,
    peakRssMb: after.peakRssMb,
  };
}

async function stalledCase(withClient: boolean) {
  const server = await Server.start();
  const stream = withClient ? await openStream(server.url, true) : undefined;
  const status = stream && (await subscribe(server.url, stream.clientId, ['big/*']));
  await server.ask({ cmd: 'resetPeak' });
  const before = await server.ask({ cmd: 'memory' });
  await server.ask({ cmd: 'create', count: STALLED_RECORDS, kb: STALLED_KB });
  await server.ask({ cmd: 'settle' });
  const after = await server.ask({ cmd: 'memory' });
  stream?.socket.destroy();
  await server.ask({ cmd: 'stop' });
  return {
    case: withClient ? 'stalled' : 'writes',
    records: STALLED_RECORDS,
    recordKb: STALLED_KB,
    subscribeStatus: status,
    clientDropped: stream && after.clients === 0,
    baseRssMb: before.rssMb,
    peakRssMb: after.peakRssMb,
    heapUsedAfterMb: after.heapUsedMb,
  };
}

const cases = [await optionsCase(), await stalledCase(true), await stalledCase(false)];
for (const figures of cases) console.log(figures);
console.log(JSON.stringify({ bench: 'realtime', cases }));
