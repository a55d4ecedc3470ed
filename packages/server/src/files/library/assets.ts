import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { InvalidPayloadError, NotFoundError } from '@sluice/hooks';
import type { FastifyReply } from 'fastify';
import sharp from 'sharp';
import type { HookContext } from '../../context.ts';
import type { StorageService } from '../../storage/service.ts';
import type { ObjectStream } from '../../storage/types.ts';
import { fileKey, filePrefix, type LibraryFile } from './store.ts';

const THUMB = /^(\d{1,4})x(\d{1,4})([tbf])?$/;
const MAX_THUMB_SIDE = 2048;
/** Images thumbs are made of; any other file is served as it is, whatever `thumb` says. */
const THUMBABLE = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
/** Types a browser may show in place; everything else is sent as an attachment. */
const INLINE =
  /^(image\/(png|jpeg|gif|webp|avif|bmp|x-icon)|video\/(mp4|webm|quicktime)|audio\/[\w.+-]+|application\/pdf)$/;

export interface AssetQuery {
  download?: string;
  thumb?: string;
}

/**
 * Serves a library file's content at `/api/assets/{id}`: `download=1` as an attachment, `thumb=WxH`
 * (`t`, `b`: cropped from the top or bottom, `f`: fitted; `0xH`, `Wx0`: one side) as a thumb made
 * on first request and kept beside the file.
 */
export async function serveAsset(
  storage: StorageService,
  file: LibraryFile,
  query: AssetQuery,
  reply: FastifyReply,
  ctx: HookContext,
): Promise<FastifyReply> {
  const thumb = query.thumb ? thumbSpec(query.thumb) : undefined;
  const found =
    thumb && THUMBABLE.has(file.type)
      ? await thumbOf(storage, file, thumb, ctx)
      : await storage.get(fileKey(file), ctx);
  if (!found) throw new NotFoundError(`The content of file "${file.id}" is missing from storage.`);
  const download = query.download !== undefined && !['0', 'false', ''].includes(query.download);
  const disposition = download || !INLINE.test(file.type) ? 'attachment' : 'inline';
  return reply
    .header('content-type', file.type || 'application/octet-stream')
    .header('content-length', found.size)
    .header('content-disposition', `${disposition}; filename*=UTF-8''${headerValue(file.filenameDownload)}`)
    .header('cache-control', 'private, max-age=2592000')
    .header(
      'content-security-policy',
      "default-src 'none'; media-src 'self'; style-src 'unsafe-inline'; sandbox",
    )
    .header('x-content-type-options', 'nosniff')
    .send(found.body);
}

interface ThumbSpec {
  name: string;
  width: number | undefined;
  height: number | undefined;
  mode: string | undefined;
}

function thumbSpec(spec: string): ThumbSpec {
  const match = THUMB.exec(spec);
  const width = Number(match?.[1]);
  const height = Number(match?.[2]);
  if (!match || (width === 0 && height === 0) || width > MAX_THUMB_SIDE || height > MAX_THUMB_SIDE)
    throw new InvalidPayloadError('Invalid thumb.', {
      thumb: {
        code: 'validation_invalid_thumb',
        message: `Must be WxH, WxHt, WxHb, WxHf, 0xH or Wx0, each side at most ${MAX_THUMB_SIDE}.`,
      },
    });
  return { name: spec, width: width || undefined, height: height || undefined, mode: match[3] };
}

async function thumbOf(
  storage: StorageService,
  file: LibraryFile,
  spec: ThumbSpec,
  ctx: HookContext,
): Promise<ObjectStream | undefined> {
  const key = `${filePrefix(file.id)}thumbs/${spec.name}_${file.filenameDisk}`;
  const kept = await storage.get(key, ctx);
  if (kept) return kept;
  const original = await storage.get(fileKey(file), ctx);
  if (!original) return undefined;
  const crop = spec.width !== undefined && spec.height !== undefined && spec.mode !== 'f';
  const made = await sharp(await buffer(original.body), { animated: false })
    .resize(spec.width, spec.height, {
      fit: crop ? 'cover' : 'inside',
      position: spec.mode === 't' ? 'top' : spec.mode === 'b' ? 'bottom' : 'centre',
      withoutEnlargement: !crop,
    })
    .toBuffer()
    .catch(() => undefined);
  // an image sharp cannot read is served as it is
  if (!made) return storage.get(fileKey(file), ctx);
  await storage.put(key, made, { contentType: file.type }, ctx);
  return { size: made.length, contentType: file.type, modified: undefined, body: Readable.from([made]) };
}

/** A file name as RFC 8187 wants it in `filename*`: percent-encoded, `'()*` included. */
function headerValue(name: string): string {
  return encodeURIComponent(name).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
