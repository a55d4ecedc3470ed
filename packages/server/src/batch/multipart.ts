import type { FastifyRequest } from 'fastify';
import { addFormValue, invalid, jsonPayload } from '../files/multipart.ts';
import { UploadedFile } from '../files/uploaded-file.ts';

/** `requests.N.field` or `requests[N].field`: a file of the batch's request N. */
const REQUEST_FILE = /^requests(?:\.(\d+)|\[(\d+)\])\.(.+)$/;

/**
 * A batch sent as `multipart/form-data`, the way PocketBase's SDK sends one with files: the
 * requests in the `@jsonPayload` part, each file in a part named `requests.N.field`, which joins
 * request N's body under `field` (so `field+` appends, as on a record route). The record
 * operations check each file against its field; here only the whole body is limited.
 */
export async function batchMultipartInput(request: FastifyRequest, maxBodySize: number) {
  let payload: Record<string, unknown> = {};
  const files: { index: number; key: string; file: UploadedFile }[] = [];
  let received = 0;
  const tooLarge = () => invalid('requests', 'body_size_limit', 'The request body is too large.');
  const parts = request.parts({ limits: { fileSize: maxBodySize + 1, fieldSize: maxBodySize, parts: 1000 } });
  for await (const part of parts) {
    if (part.type === 'field') {
      const text = String(part.value);
      received += Buffer.byteLength(text);
      if (received > maxBodySize || part.valueTruncated) throw tooLarge();
      if (part.fieldname === '@jsonPayload') payload = jsonPayload(text);
      continue;
    }
    const [, dotted, bracketed, key] = REQUEST_FILE.exec(part.fieldname) ?? [];
    if (key === undefined) {
      part.file.resume();
      throw invalid(part.fieldname, 'invalid_file', 'Files must be named requests.N.field.');
    }
    const chunks: Buffer[] = [];
    for await (const chunk of part.file as AsyncIterable<Buffer>) {
      received += chunk.length;
      if (received > maxBodySize || part.file.truncated) throw tooLarge();
      chunks.push(chunk);
    }
    const file = await UploadedFile.from(part.filename, Buffer.concat(chunks));
    files.push({ index: Number(dotted ?? bracketed), key, file });
  }
  const requests = Array.isArray(payload.requests) ? payload.requests : [];
  for (const { index, key, file } of files) {
    const item = requests[index];
    if (typeof item !== 'object' || item === null) {
      throw invalid(`requests.${index}`, 'invalid_file', 'The file names a request the batch does not have.');
    }
    const target = item as { body?: Record<string, unknown> };
    target.body ??= {};
    addFormValue(target.body, key, file);
  }
  return payload;
}
