import { type Readable, Transform } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { ByteRange, ObjectStream } from '../storage/types.ts';
import { extensionOf } from './names.ts';

/** Types told by extension when the storage does not know them. */
const TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.bmp': 'image/bmp',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.mov': 'video/quicktime',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.ogg': 'audio/ogg',
  '.pdf': 'application/pdf',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.json': 'application/json',
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.zip': 'application/zip',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.pptx': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};

/** Types a browser may show in place (as PocketBase allows): anything else is downloaded. */
const INLINE =
  /^(image\/(png|jpeg|gif|webp|avif|x-icon|bmp)|video\/(webm|mp4|3gpp|quicktime|x-ms-wmv)|audio\/.+|application\/pdf)$/;

/**
 * A served file may be anything a user uploaded, HTML and SVG included: it runs no script, loads
 * nothing, and is sandboxed even when opened on its own.
 */
export const FILE_CSP = "default-src 'none'; media-src 'self'; style-src 'unsafe-inline'; sandbox";
export const FILE_CACHE_CONTROL = 'max-age=2592000, stale-while-revalidate=86400';

export function contentTypeOf(name: string): string {
  const extension = extensionOf(name).toLowerCase();
  const last = extension.slice(extension.lastIndexOf('.'));
  return TYPES[last] ?? 'application/octet-stream';
}

export interface SendOptions {
  /** The content's type when it is known (sniffed at upload); otherwise told by the served name's extension. */
  type?: string;
  cacheControl?: string;
  /** Opens the same object again for only a range, from a storage that can seek. */
  reopen?: (range: ByteRange) => Promise<ObjectStream | undefined>;
}

/**
 * Sends a stored object, streamed: `inline` for what browsers show safely (unless `download`),
 * the strict CSP, no sniffing, and long-lived caching (a stored name never changes content).
 */
export async function sendStoredFile(
  reply: FastifyReply,
  object: ObjectStream,
  servedName: string,
  download: boolean,
  options: SendOptions = {},
) {
  const type = options.type || contentTypeOf(servedName);
  const disposition = !download && INLINE.test(type.split(';')[0]) ? 'inline' : 'attachment';
  reply.headers({
    'content-type': type,
    'content-length': object.size,
    'content-disposition': `${disposition}; ${dispositionName(servedName)}`,
    'content-security-policy': FILE_CSP,
    'x-content-type-options': 'nosniff',
    'cache-control': options.cacheControl ?? FILE_CACHE_CONTROL,
    'accept-ranges': 'bytes',
  });
  if (object.modified) reply.header('last-modified', object.modified.toUTCString());
  reply.removeHeader('x-frame-options');
  const { headers } = reply.request;
  if (notModifiedSince(headers['if-modified-since'], object.modified) && !headers.range) {
    object.body.destroy();
    reply.removeHeader('content-length');
    return reply.status(304).send();
  }
  const range = requestedRange(headers.range, headers['if-range'] as string | undefined, object);
  if (range === 'unsatisfiable') {
    object.body.destroy();
    reply.removeHeader('content-length');
    return reply.status(416).header('content-range', `bytes */${object.size}`).send();
  }
  if (range) {
    let part = object;
    const reopened = await options.reopen?.(range);
    if (reopened) {
      object.body.destroy();
      part = reopened;
    }
    return reply
      .status(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${object.size}`)
      .header('content-length', range.end - range.start + 1)
      .send(part.range ? part.body : slice(part.body, range.start, range.end));
  }
  return reply.send(object.body);
}

/** Whether the client's copy, dated `since`, is still the stored one (dates to the second). */
function notModifiedSince(since: string | undefined, modified: Date | undefined): boolean {
  if (!since || !modified) return false;
  const date = Date.parse(since);
  return !Number.isNaN(date) && Math.floor(modified.getTime() / 1000) * 1000 <= date;
}

/**
 * The one byte range a `Range: bytes=…` header asks for (`a-b`, `a-`, `-n`), resolved against the
 * object's size; undefined to send it whole (no header, several ranges, an `If-Range` that no
 * longer holds, a unit other than bytes).
 */
export function requestedRange(
  header: string | undefined,
  ifRange: string | undefined,
  object: { size: number; modified: Date | undefined },
): { start: number; end: number } | 'unsatisfiable' | undefined {
  const match = header && /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (ifRange && ifRange !== object.modified?.toUTCString()) return undefined;
  const { size } = object;
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end || (match[1] === '' && Number(match[2]) === 0)) return 'unsatisfiable';
  return { start, end };
}

/**
 * Bytes `start` to `end` of a stream: those before are read and dropped, and the source is let go
 * once `end` is reached; for storages that cannot seek.
 */
function slice(source: Readable, start: number, end: number): Readable {
  let position = 0;
  let done = false;
  const out = new Transform({
    transform(chunk: Buffer, _encoding, next) {
      if (!done) {
        const from = Math.max(0, start - position);
        const to = Math.min(chunk.length, end + 1 - position);
        position += chunk.length;
        if (to > from) this.push(chunk.subarray(from, to));
        if (position > end) {
          done = true;
          this.push(null);
          source.unpipe(out);
          source.destroy();
        }
      }
      next();
    },
  });
  source.on('error', (error) => out.destroy(error));
  return source.pipe(out);
}

/** `filename="…"` for a plain ASCII name, RFC 8187's percent-encoded `filename*=` for any other. */
function dispositionName(name: string): string {
  if (/^[\x20-\x7e]*$/.test(name) && !/["\\]/.test(name)) return `filename="${name}"`;
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `filename*=UTF-8''${encoded}`;
}
