import { Worker } from 'node:worker_threads';

export interface ThreadReceived {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

const SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createServer } = require('node:http');
const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    parentPort.postMessage({ received: { method: request.method, url: request.url, headers: request.headers, body } });
    if (request.url.startsWith('/slow')) return setTimeout(() => response.end('late'), 3000);
    let parsed = null;
    try { parsed = JSON.parse(body); } catch {}
    response.writeHead(request.url.startsWith('/missing') ? 404 : 201, [
      ['Content-Type', 'application/json'],
      ['X-Receiver', 'thread'],
      ['Set-Cookie', 'session=abc123; Path=/; HttpOnly; Max-Age=60'],
      ['Set-Cookie', 'theme=dark'],
    ]);
    response.end(JSON.stringify({ received: parsed, method: request.method }));
  });
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
`;

/**
 * An HTTP receiver on 127.0.0.1 in a thread of its own, for code that blocks this thread while
 * it waits for the answer (`$http.send`): a receiver on this thread could never answer. It
 * answers 201 with JSON `{ received, method }`, an `X-Receiver` header and two cookies (404 under
 * `/missing`, 3 s late under `/slow`).
 */
export async function startThreadReceiver() {
  const worker = new Worker(SOURCE, { eval: true });
  const received: ThreadReceived[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    worker.on('message', (message: { port?: number; received?: ThreadReceived }) => {
      if (message.port) resolve(message.port);
      if (message.received) received.push(message.received);
    });
    worker.once('error', reject);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    /** The requests received, once this thread has run again (messages arrive between tasks). */
    received,
    close: () => worker.terminate(),
  };
}
