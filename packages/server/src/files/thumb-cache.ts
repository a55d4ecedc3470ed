import type { Readable } from 'node:stream';
import type { Core } from '../app/core.ts';
import type { Field } from '../collections/types.ts';
import type { HookContext } from '../context.ts';
import type { ObjectStream } from '../storage/types.ts';
import { contentTypeOf } from './serve.ts';
import {
  makeThumb,
  parseThumbSize,
  THUMBABLE_TYPES,
  type ThumbSize,
  thumbKey,
  thumbOffered,
} from './thumbs.ts';

/** Thumbs being made, by key: concurrent requests for one thumb wait for the same work. */
const making = new Map<string, Promise<string | undefined>>();

/**
 * The thumb to serve for `?thumb=spec` of the file under `key`, opened (its key and content),
 * made and stored on first request. Undefined — serve the original, as PocketBase does — when
 * the field does not offer that size, the file is not an image thumbs are made of, or making it
 * failed (logged). The caller sends or destroys the opened content.
 */
export async function openThumb(
  app: Core,
  ctx: HookContext,
  field: Field,
  key: string,
  spec: string,
): Promise<{ key: string; object: ObjectStream } | undefined> {
  const size = parseThumbSize(spec);
  const type = contentTypeOf(key);
  if (!size || !thumbOffered(spec, field.thumbs) || !THUMBABLE_TYPES.has(type)) return undefined;
  return openThumbOfSize(app, ctx, key, size, type);
}

/**
 * The thumb of `size` of the image under `key` (of `type`), opened; made and stored beside the
 * image on first request. Undefined when the image is gone or making the thumb failed (logged).
 */
export async function openThumbOfSize(
  app: Core,
  ctx: HookContext,
  key: string,
  size: ThumbSize,
  type: string,
): Promise<{ key: string; object: ObjectStream } | undefined> {
  const storage = ctx.services.storage;
  const spec = size.spec;
  const target = thumbKey(key, spec);
  const stored = await storage.get(target, ctx);
  if (stored) return { key: target, object: stored };
  let pending = making.get(target);
  if (!pending) {
    pending = (async () => {
      try {
        const original = await storage.get(key, ctx);
        if (!original) return undefined;
        const thumb = await makeThumb(await readAll(original.body), size);
        await storage.put(target, thumb, { contentType: type, size: thumb.length }, ctx);
        return target;
      } catch (error) {
        app.logger.warn(
          { key, thumb: spec, err: error },
          'A thumb could not be made; the original is served.',
        );
        return undefined;
      } finally {
        making.delete(target);
      }
    })();
    making.set(target, pending);
  }
  if (!(await pending)) return undefined;
  const made = await storage.get(target, ctx);
  return made && { key: target, object: made };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
