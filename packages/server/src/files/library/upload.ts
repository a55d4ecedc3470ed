import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidPayloadError } from '@sluice/hooks';
import type { FastifyRequest } from 'fastify';
import { fileTypeFromFile } from 'file-type';
import sharp from 'sharp';

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
    for await (const part of request.parts({ limits: { fileSize: maxSize, files: 1 } })) {
      if (part.type === 'file') content = await keep(part.file, part.filename);
      else if (part.fieldname === '@jsonPayload') Object.assign(fields, jsonFields(String(part.value)));
      else fields[part.fieldname] = String(part.value);
    }
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

function jsonFields(text: string): Record<string, string> {
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new InvalidPayloadError('The @jsonPayload part must be a JSON object.');
  return parsed as Record<string, string>;
}

async function keep(stream: Readable, clientName: string): Promise<UploadedContent> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-upload-'));
  const path = join(dir, 'content');
  const discard = () => rm(dir, { recursive: true, force: true });
  try {
    await pipeline(stream, createWriteStream(path));
    const filename = plainName(clientName);
    const sniffed = await fileTypeFromFile(path);
    const type = sniffed?.mime ?? ((await looksLikeText(path)) ? 'text/plain' : 'application/octet-stream');
    const extension = sniffed ? `.${sniffed.ext}` : cleanExtension(filename);
    const { size, width, height } = await measure(path, type);
    return { filename, type, extension, size, width, height, open: () => createReadStream(path), discard };
  } catch (error) {
    await discard();
    throw error;
  }
}

/** The last segment of a client's file name, without control characters; `file` when nothing is left. */
function plainName(name: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const base = (name.split(/[/\\]/).pop() ?? '').replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return (base.startsWith('.') ? base.slice(1) : base).slice(-255) || 'file';
}

function cleanExtension(filename: string): string {
  const extension = extname(filename)
    .toLowerCase()
    .replace(/[^a-z0-9.]/g, '');
  return extension.length > 1 && extension.length <= 11 ? extension : '';
}

/** Whether the first bytes are UTF-8 text (no NUL, valid encoding). */
async function looksLikeText(path: string): Promise<boolean> {
  const handle = await open(path);
  try {
    const head = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const bytes = head.subarray(0, bytesRead);
    if (bytes.includes(0)) return false;
    // a multi-byte character cut at the end of the sample is not a reason to refuse
    const text = new TextDecoder('utf-8', { fatal: false }).decode(
      bytes.subarray(0, Math.max(0, bytesRead - 3)),
    );
    return !text.includes('\uFFFD');
  } finally {
    await handle.close();
  }
}

async function measure(path: string, type: string): Promise<{ size: number; width: number; height: number }> {
  const handle = await open(path);
  const { size } = await handle.stat().finally(() => handle.close());
  if (!IMAGE_TYPES.has(type)) return { size, width: 0, height: 0 };
  const metadata = await sharp(path)
    .metadata()
    .catch(() => undefined);
  return { size, width: metadata?.width ?? 0, height: metadata?.height ?? 0 };
}
