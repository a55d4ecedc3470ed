/**
 * The receiver `webhooks.bench.ts` sends to, in a child process of its own so that it does not
 * share a core's event loop with the sender: answers every POST 204 and counts them. Tells its
 * port once listening; answers `count` with how many requests it took.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

let received = 0;
const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    received += 1;
    response.writeHead(204).end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on('message', (message: { cmd: 'count' | 'stop' }) => {
  if (message.cmd === 'count') process.send?.({ received });
  else server.close(() => process.exit(0));
});
