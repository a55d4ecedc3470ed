/**
 * The receiver `webhooks.bench.ts` sends to, in a child process of its own so that it does not
 * share a core's event loop with the sender: answers every POST 204 and counts them. Tells its
 * port once listening; answers `count` with how many requests it took, and `await` once it has
 * taken that many (so that the sender need not keep asking).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

let received = 0;
let awaited: number | undefined;
const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    received += 1;
    response.writeHead(204).end();
    if (awaited !== undefined && received >= awaited) {
      awaited = undefined;
      process.send?.({ received });
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on('message', (message: { cmd: 'count' | 'await' | 'stop'; count?: number }) => {
  if (message.cmd === 'count') process.send?.({ received });
  else if (message.cmd === 'await') {
    if (received >= (message.count ?? 0)) process.send?.({ received });
    else awaited = message.count;
  } else server.close(() => process.exit(0));
});
