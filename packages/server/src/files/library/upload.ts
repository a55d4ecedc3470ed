import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidPayloadError } from '@sluice/hooks';
import type { FastifyRequest } from 'fastify';
import { sniffFileType } from '../mime.ts';
import { readMultipart } from '../multipart.ts';
import { cleanExtension, lastSegment } from '../names.ts';

/** The content of an upload, kept in a temporary file until it is stored. */
export interface UploadedContent {
  /** The name the client gave, reduced to a plain file name. */
  filename: string;
  /** Sniffed from the bytes, never taken from the client. */
  type: string;
  /** `.png`, `.pdf`…, from the sniffed type, else from the client's name; may be ''. */
  extension: string;
  size: number;
  width: number;
  height: number;
  open(): Readable;
  discard(): Promise<void>;
}

/** A multipart request to the library: its plain fields and at most one file. */
export interface LibraryUpload {
  fields: Record<string, string>;
  content: UploadedContent | undefined;
}

/** Images whose size is read (and, for the first four, thumbs made). */
const IMAGE_TYPES = new Set([
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'image/avif',
  'image/tiff',
]);

/**
 * Reads a multipart body: plain parts become fields (`@jsonPayload` too, as PocketBase's SDK
 * sends it), the one file part goes to a temporary file. A file over `maxSize` bytes, or a second
 * file, is a 400 naming `file`.
 */
export async function readUpload(request: FastifyRequest, maxSize: number): Promise<LibraryUpload> {
  const fields: Record<string, string> = {};
  let content: UploadedContent | undefined;
  try {
    await readMultipart(
      request,
      { fileSize: maxSize, files: 1 },
      {
        value: (name, text) => {
          fields[name] = text;
        },
        json: (object) => Object.assign(fields, object),
        file: async (part) => {
          content = await keep(part.file, part.filename);
        },
      },
    );
  } catch (error) {
    await content?.discard();
    const code = (error as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE')
      throw invalidFile('validation_file_size_limit', `Must be at most ${maxSize} bytes.`);
    if (code === 'FST_FILES_LIMIT')
      throw invalidFile('validation_too_many_files', 'Send one file at a time.');
    throw error;
  }
  return { fields, content };
}

function invalidFile(code: string, message: string): Error {
  return new InvalidPayloadError('Invalid file.', { file: { code, message } });
}

async function keep(stream: Readable, clientName: string): Promise<UploadedContent> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-upload-'));
  const path = join(dir, 'content');
  const discard = () => rm(dir, { recursive: true, force: true });
  try {
    await pipeline(stream, createWriteStream(path));
    const filename = plainName(clientName);
    const sniffed = await sniffFileType(path);
    // a signature tells the extension; text keeps the client's (`.md`, `.csv` …)
    const extension =
      sniffed.extension && sniffed.mime !== 'text/plain' ? `.${sniffed.extension}` : cleanExtension(filename);
    const { size, width, height } = await measure(path, sniffed.mime);
    return {
      filename,
      type: sniffed.mime,
      extension,
      size,
      width,
      height,
      open: () => createReadStream(path),
      discard,
    };
  } catch (error) {
    await discard();
    throw error;
  }
}

/** The last segment of a client's file name, without control characters; `file` when nothing is left. */
function plainName(name: string): string {
  const base = lastSegment(name)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim();
  return (base.startsWith('.') ? base.slice(1) : base).slice(-255) || 'file';
}

async function measure(path: string, type: string): Promise<{ size: number; width: number; height: number }> {
  const { size } = await stat(path);
  if (!IMAGE_TYPES.has(type)) return { size, width: 0, height: 0 };
  const { default: sharp } = await import('sharp');
  const metadata = await sharp(path)
    .metadata()
    .catch(() => undefined);
  return { size, width: metadata?.width ?? 0, height: metadata?.height ?? 0 };
}
