import type { Core } from '../../app/core.ts';
import type { Field } from '../../collections/types.ts';
import { maxFileSize } from '../../files/limits.ts';
import { mimeAllowed } from '../../files/mime.ts';
import { lastSegment } from '../../files/names.ts';
import { UploadedFile } from '../../files/uploaded-file.ts';

const TIMEOUT_MS = 15_000;

/**
 * The provider's picture as a file for a `file` field, as PocketBase fetches it on an OAuth2
 * sign-up; it then goes through the record's upload path (size and type checks, stored names).
 * Undefined, and logged, when it cannot be fetched or the field would refuse it: a
 * missing avatar does not stop a sign-up.
 */
export async function fetchAvatar(app: Core, url: string, field: Field): Promise<UploadedFile | undefined> {
  const limit = maxFileSize(field);
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'follow' });
    if (!response.ok || !response.body) throw new Error(`The avatar URL answered ${response.status}.`);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > limit) throw new Error(`The avatar is larger than ${limit} bytes.`);
      chunks.push(Buffer.from(chunk));
    }
    const name = decodeURIComponent(lastSegment(new URL(response.url || url).pathname)) || 'avatar';
    const avatar = await UploadedFile.from(name, Buffer.concat(chunks, size));
    if (!mimeAllowed(avatar.type, field.mimeTypes))
      throw new Error(`The avatar is ${avatar.type}, which the field does not take.`);
    return avatar;
  } catch (error) {
    app.logger.warn({ err: error, field: field.name }, 'The OAuth2 avatar could not be fetched.');
    return undefined;
  }
}
