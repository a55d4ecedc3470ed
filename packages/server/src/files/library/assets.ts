import { InvalidPayloadError, NotFoundError } from '@sluice/hooks';
import type { FastifyReply } from 'fastify';
import type { Core } from '../../app/core.ts';
import type { HookContext } from '../../context.ts';
import { sendStoredFile } from '../serve.ts';
import { openThumbOfSize } from '../thumb-cache.ts';
import { parseThumbSize, THUMBABLE_TYPES, type ThumbSize } from '../thumbs.ts';
import { fileKey, type LibraryFile } from './store.ts';

/** The library lists no thumb sizes: any is made, up to this side. */
const MAX_THUMB_SIDE = 2048;

export interface AssetQuery {
  download?: string;
  thumb?: string;
  token?: string;
}

/**
 * Serves a library file's content at `/api/assets/{id}`: `download=1` as an attachment, `thumb=WxH`
 * (`t`, `b`: cropped from the top or bottom, `f`: fitted; `0xH`, `Wx0`: one side) as a thumb made
 * on first request and kept beside the file, as a record file's thumbs are.
 */
export async function serveAsset(
  app: Core,
  file: LibraryFile,
  query: AssetQuery,
  reply: FastifyReply,
  ctx: HookContext,
): Promise<FastifyReply> {
  const size = query.thumb ? thumbSize(query.thumb) : undefined;
  const key = fileKey(file);
  const thumb =
    size && THUMBABLE_TYPES.has(file.type)
      ? await openThumbOfSize(app, ctx, key, size, file.type)
      : undefined;
  const object = thumb?.object ?? (await ctx.services.storage.get(key, ctx));
  if (!object) throw new NotFoundError(`The content of file "${file.id}" is missing from storage.`);
  const download = query.download !== undefined && !['0', 'false', ''].includes(query.download);
  return sendStoredFile(reply, object, file.filenameDownload, download, {
    type: file.type || 'application/octet-stream',
    cacheControl: 'private, max-age=2592000',
    reopen: (range) => ctx.services.storage.get(thumb?.key ?? key, ctx, range),
  });
}

function thumbSize(spec: string): ThumbSize {
  const size = parseThumbSize(spec);
  if (!size || size.width > MAX_THUMB_SIDE || size.height > MAX_THUMB_SIDE)
    throw new InvalidPayloadError('Invalid thumb.', {
      thumb: {
        code: 'validation_invalid_thumb',
        message: `Must be WxH, WxHt, WxHb, WxHf, 0xH or Wx0, each side at most ${MAX_THUMB_SIDE}.`,
      },
    });
  return size;
}
