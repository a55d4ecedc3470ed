import type { MultipartFile } from '@fastify/multipart';
import { InvalidPayloadError, type SluiceError } from '@sluice/hooks';
import type { FastifyRequest } from 'fastify';
import type { Collection, Field } from '../collections/types.ts';
import { fileFields, maxFileSize, multipartBodyLimit } from './limits.ts';
import { UploadedFile } from './uploaded-file.ts';

/** The field a form key writes: `documents`, `documents+`, `+documents` and `documents-` all write `documents`. */
export function targetFieldName(key: string): string {
  return key.replace(/^\+/, '').replace(/[+-]$/, '');
}

/**
 * A form value as PocketBase reads it: `true`/`false` are booleans, a number whose shortest form
 * is the text itself is a number, anything else stays text.
 */
export function inferFormValue(text: string): unknown {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text !== '' && String(Number(text)) === text) return Number(text);
  return text;
}

function tooLarge(field: Field): SluiceError {
  return new InvalidPayloadError('Failed to load the submitted data.', {
    [field.name]: {
      code: 'validation_file_size_limit',
      message: `The file is larger than ${maxFileSize(field)} bytes.`,
    },
  });
}

export function invalid(key: string, code: string, message: string): SluiceError {
  return new InvalidPayloadError('Failed to load the submitted data.', {
    [key]: { code: `validation_${code}`, message },
  });
}

/** Adds a form value; a key sent more than once collects its values in an array. */
export function addFormValue(input: Record<string, unknown>, key: string, value: unknown): void {
  if (!(key in input)) input[key] = value;
  else {
    const current = input[key];
    input[key] = Array.isArray(current) ? [...current, value] : [current, value];
  }
}

/**
 * The input of a record write sent as `multipart/form-data`, the way PocketBase's SDK sends it:
 * files as parts named after their field (`field`, `field+`), other values as plain parts and in
 * `@jsonPayload` parts (JSON objects merged in). Files become `UploadedFile`s. A file larger than
 * its field allows, files larger than every file field full, or other values larger than
 * `otherFields` bytes: a 400 naming the field, and the body is read no further.
 */
export async function multipartInput(
  request: FastifyRequest,
  collection: Collection,
  otherFields: number,
): Promise<Record<string, unknown>> {
  const fields = new Map(fileFields(collection).map((field) => [field.name, field]));
  const largest = Math.max(0, ...[...fields.values()].map(maxFileSize));
  const filesLimit = multipartBodyLimit(collection, 0);
  const input: Record<string, unknown> = {};
  let textReceived = 0;
  let filesReceived = 0;
  await readMultipart(
    request,
    { fileSize: largest + 1, fieldSize: otherFields, parts: 1000 },
    {
      value(name, text, truncated) {
        textReceived += Buffer.byteLength(text);
        if (textReceived > otherFields || truncated)
          throw invalid(name, 'body_size_limit', 'The request body is too large.');
        addFormValue(input, name, inferFormValue(text));
      },
      json(object) {
        Object.assign(input, object);
      },
      async file(part) {
        const field = fields.get(targetFieldName(part.fieldname));
        if (!field || part.fieldname.endsWith('-')) {
          part.file.resume();
          throw invalid(part.fieldname, 'invalid_file', 'Files can be sent only to file fields.');
        }
        const limit = maxFileSize(field);
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of part.file as AsyncIterable<Buffer>) {
          size += chunk.length;
          filesReceived += chunk.length;
          if (size > limit || part.file.truncated) throw tooLarge(field);
          if (filesReceived > filesLimit)
            throw invalid(field.name, 'body_size_limit', 'The request body is too large.');
          chunks.push(chunk);
        }
        if (part.file.truncated) throw tooLarge(field);
        addFormValue(
          input,
          part.fieldname,
          await UploadedFile.from(part.filename, Buffer.concat(chunks, size)),
        );
      },
    },
  );
  return input;
}

/** What a multipart body's parts go to: plain values, `@jsonPayload` objects, files. */
export interface PartHandlers {
  value(name: string, text: string, truncated: boolean): void;
  json(object: Record<string, unknown>): void;
  /** Reads (or drains) the file's stream before it resolves. */
  file(part: MultipartFile): Promise<void>;
}

/**
 * Reads a `multipart/form-data` body as PocketBase's SDK sends it: each part in order to its
 * handler, `@jsonPayload` parts parsed (a 400 unless a JSON object). Used by record writes and
 * the files library alike.
 */
export async function readMultipart(
  request: FastifyRequest,
  limits: { fileSize?: number; fieldSize?: number; parts?: number; files?: number },
  handlers: PartHandlers,
): Promise<void> {
  for await (const part of request.parts({ limits })) {
    if (part.type === 'file') await handlers.file(part);
    else if (part.fieldname === '@jsonPayload') handlers.json(jsonPayload(String(part.value)));
    else handlers.value(part.fieldname, String(part.value), part.valueTruncated);
  }
}

/** An `@jsonPayload` part: a JSON object, or a 400. */
export function jsonPayload(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw invalid('@jsonPayload', 'invalid_json', 'Must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}
