import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { PayloadTooLargeError, SluiceError } from '@sluice/hooks';
import { errorBody } from './errors.ts';
import { ANY_ORIGIN, PROTECTIVE_HEADERS } from './headers.ts';

/** The error of a request Node's HTTP parser refused before Fastify saw it. */
function parserError(code: string | undefined): SluiceError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return new SluiceError(431, 'SLUICE_ERR_HEADERS_TOO_LARGE', 'The request headers are too large.');
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return new PayloadTooLargeError('The request chunk extensions are too large.');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new SluiceError(408, 'SLUICE_ERR_REQUEST_TIMEOUT', 'The request took too long to arrive.');
    default:
      return new SluiceError(400, 'SLUICE_ERR_BAD_REQUEST', 'The request is malformed.');
  }
}

/**
 * Answers the requests Node's HTTP parser refuses (headers too large, malformed, too slow) in
 * the error shape of every other answer, then closes the connection. Their headers were never
 * read, so only an API open to any origin can say so to a page of another origin.
 */
export function clientErrorHandler(origins: readonly string[]) {
  const headers: Record<string, string> = { ...PROTECTIVE_HEADERS, 'content-type': 'application/json' };
  if (origins.includes(ANY_ORIGIN)) headers['access-control-allow-origin'] = ANY_ORIGIN;
  return (error: Error & { code?: string }, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    if (socket.writable) {
      const failure = parserError(error.code);
      const body = JSON.stringify(errorBody(failure));
      const head = Object.entries({
        ...headers,
        'content-length': Buffer.byteLength(body),
        connection: 'close',
      })
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('');
      socket.write(`HTTP/1.1 ${failure.status} ${STATUS_CODES[failure.status]}\r\n${head}\r\n${body}`);
    }
    socket.destroy(error);
  };
}
