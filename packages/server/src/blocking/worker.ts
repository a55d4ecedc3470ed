import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';

/**
 * The body of a blocking worker: `handle` is an async function of one request, defined by the
 * worker's source (see `blockingWorker`); `port` and `done` are given by the wrapper below.
 */
const WRAPPER = `
const { workerData } = require('node:worker_threads');
const { port, done } = workerData;
const handle = (() => { %SOURCE% })();
port.on('message', async ({ id, request }) => {
  let reply;
  try {
    reply = { id, value: await handle(request) };
  } catch (error) {
    reply = { id, error: { message: String(error?.message ?? error), code: error?.code, name: error?.name } };
  }
  port.postMessage(reply);
  // the highest id answered: an answer that comes after its call gave up must not hide a newer one
  let seen;
  while ((seen = Atomics.load(done, 0)) < id && Atomics.compareExchange(done, 0, seen, id) !== seen);
  Atomics.notify(done, 0);
});
`;

export class BlockingCallError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'BlockingCallError';
  }
}

export interface BlockingWorker<Request, Value> {
  /**
   * Sends `request` to the worker and blocks this thread until it answers, at most `timeoutMs`
   * (then throws a `BlockingCallError` with code `ETIMEDOUT`; a late answer is dropped).
   */
  call(request: Request, timeoutMs: number): Value;
  /** Stops the worker (it is started again by the next call). */
  close(): Promise<void>;
}

interface Reply {
  id: number;
  value?: unknown;
  error?: { message: string; code?: string; name?: string };
}

/**
 * A worker thread answering requests while the calling thread waits on `Atomics.wait`: the way
 * to give a synchronous API to work that is asynchronous in Node (a query on a connection of
 * its own, an HTTP request). `source` is the body of a CommonJS function returning
 * `async (request) => value`; `require` resolves from the server's own modules when given
 * absolute paths through `data` (the worker's `workerData`, which also holds `port` and `done`).
 * The worker starts on the first call and never keeps the process alive.
 */
export function blockingWorker<Request, Value>(
  source: string,
  data: Record<string, unknown> = {},
): BlockingWorker<Request, Value> {
  let running: { worker: Worker; port: MessagePort; done: Int32Array } | undefined;
  let lastId = 0;

  const start = () => {
    const { port1, port2 } = new MessageChannel();
    const done = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(
      WRAPPER.replace('%SOURCE%', () => source),
      {
        eval: true,
        workerData: { ...data, port: port2, done },
        transferList: [port2],
      },
    );
    worker.unref();
    port1.unref();
    // a worker that fails to start answers nothing: the call times out and the next one starts afresh
    worker.on('error', () => {
      if (running?.worker === worker) running = undefined;
    });
    running = { worker, port: port1, done };
    return running;
  };

  return {
    call(request, timeoutMs) {
      const { port, done } = running ?? start();
      const id = ++lastId;
      port.postMessage({ id, request });
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const seen = Atomics.load(done, 0);
        if (seen >= id) break;
        const left = deadline - Date.now();
        if (left <= 0) throw new BlockingCallError(`No answer within ${timeoutMs} ms.`, 'ETIMEDOUT');
        Atomics.wait(done, 0, seen, left);
      }
      for (;;) {
        const received = receiveMessageOnPort(port);
        if (!received) throw new BlockingCallError('The worker answered nothing.');
        const reply = received.message as Reply;
        if (reply.id !== id) continue;
        if (reply.error) throw new BlockingCallError(reply.error.message, reply.error.code);
        return reply.value as Value;
      }
    },
    async close() {
      const stopping = running;
      running = undefined;
      if (stopping) {
        stopping.port.close();
        await stopping.worker.terminate();
      }
    },
  };
}
