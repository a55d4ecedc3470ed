import { open } from 'node:fs/promises';
export interface SniffedType {
  /** The MIME type the content shows, whatever the client said. */
  mime: string;
  /** The extension that goes with it, when the content tells one. */
  extension: string;
}

const TEXT_SAMPLE = 8192;
const OCTET_STREAM: SniffedType = { mime: 'application/octet-stream', extension: '' };
/** Names one type goes by: a field listing either accepts both. */
const ALIASES: Record<string, string> = { 'image/jpg': 'image/jpeg', 'image/pjpeg': 'image/jpeg' };

/**
 * The type of a file from its first bytes (magic numbers), as PocketBase sniffs uploads; text
 * that no signature matches is told apart as SVG, JSON or plain text. The signatures are loaded
 * with the first upload, not at start.
 */
export async function sniffType(content: Buffer): Promise<SniffedType> {
  const { fileTypeFromBuffer } = await import('file-type');
  const found = await fileTypeFromBuffer(content);
  return found ? { mime: found.mime, extension: found.ext } : textType(content);
}

/** `sniffType` of a file on disk, read no further than its signatures and a text sample need. */
export async function sniffFileType(path: string): Promise<SniffedType> {
  const { fileTypeFromFile } = await import('file-type');
  const found = await fileTypeFromFile(path);
  if (found) return { mime: found.mime, extension: found.ext };
  const handle = await open(path);
  try {
    const head = Buffer.alloc(TEXT_SAMPLE + 1);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return textType(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/** Content no signature matches: SVG, JSON, plain text, or bytes. */
function textType(content: Buffer): SniffedType {
  const sample = content.subarray(0, TEXT_SAMPLE);
  if (sample.includes(0)) return OCTET_STREAM;
  let text: string;
  try {
    // streaming: a character cut at the end of the sample is not an error
    text = new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
  } catch {
    return OCTET_STREAM;
  }
  if (/<svg[\s>]/i.test(text.slice(0, 1024))) return { mime: 'image/svg+xml', extension: 'svg' };
  if (/^\s*[[{]/.test(text) && content.length <= TEXT_SAMPLE && isJson(text)) {
    return { mime: 'application/json', extension: 'json' };
  }
  return { mime: 'text/plain', extension: 'txt' };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function normalized(mime: string): string {
  const base = mime.split(';')[0].trim().toLowerCase();
  return ALIASES[base] ?? base;
}

/** Whether a sniffed type is one of a field's `mimeTypes` (an empty list accepts any). */
export function mimeAllowed(mime: string, allowed: readonly string[] | undefined): boolean {
  if (!allowed || allowed.length === 0) return true;
  const type = normalized(mime);
  return allowed.some((entry) => normalized(entry) === type);
}
