import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { NotRegisteredError } from './errors.ts';
import { WebhookVerificationError } from './signature.ts';

const MAX_BODY = 1024 * 1024;

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new WebhookVerificationError('The delivery is too large.'));
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/**
 * Takes deliveries at `hookPath`: 200 when every matching handler succeeded, 401 for a bad
 * signature, 500 when a handler threw and 503 before registration (Sluice then tries again).
 */
export function servePlugin(
  plugin: { handle(headers: IncomingMessage['headers'], rawBody: string): Promise<number> },
  hookPath: string,
): Server {
  return createServer((request, response) => {
    if (request.method !== 'POST' || request.url !== hookPath)
      return reply(response, 404, { message: 'Not found.' });
    readBody(request)
      .then((body) => plugin.handle(request.headers, body))
      .then(
        (handled) => reply(response, 200, { handled }),
        (error: unknown) => {
          if (error instanceof WebhookVerificationError) reply(response, 401, { message: error.message });
          else if (error instanceof SyntaxError)
            reply(response, 400, { message: 'The delivery is not JSON.' });
          else if (error instanceof NotRegisteredError)
            reply(response, 503, { message: 'Not registered yet.' });
          else reply(response, 500, { message: 'A handler failed.' });
        },
      );
  });
}
