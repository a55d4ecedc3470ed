/** How a thumb fills its box: crop from the center, top or bottom, or fit inside without cropping. */
export type ThumbMode = 'center' | 'top' | 'bottom' | 'fit';

export interface ThumbSize {
  /** As written in the field's `thumbs` and the `thumb` query: `100x100`, `0x50`, `200x100t` … */
  spec: string;
  /** 0: keep the aspect ratio from the other side. */
  width: number;
  height: number;
  mode: ThumbMode;
}

const SPEC = /^(\d{1,5})x(\d{1,5})([tbf])?$/;
const MODES: Record<string, ThumbMode> = { t: 'top', b: 'bottom', f: 'fit' };

/** The size every image field offers, listed or not (as in PocketBase). */
export const DEFAULT_THUMB = '100x100';

/** The images thumbs are made of. */
export const THUMBABLE_TYPES: ReadonlySet<string> = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
]);

/** A thumb spec (`WxH`, `WxHt`, `WxHb`, `WxHf`, `0xH`, `Wx0`), or undefined when it is none. */
export function parseThumbSize(spec: string): ThumbSize | undefined {
  const match = SPEC.exec(spec);
  if (!match) return undefined;
  const width = Number(match[1]);
  const height = Number(match[2]);
  if (width === 0 && height === 0) return undefined;
  return { spec, width, height, mode: MODES[match[3] ?? ''] ?? 'center' };
}

/** Whether a field offers a thumb of this spec. */
export function thumbOffered(spec: string, thumbs: readonly string[] | undefined): boolean {
  return spec === DEFAULT_THUMB || (thumbs ?? []).includes(spec);
}

/**
 * Makes a thumb of an image, in the image's own format (webp stays webp): oriented by its EXIF
 * data, of a GIF the first frame only. sharp (libvips) is loaded on the first thumb, not at start.
 */
export async function makeThumb(original: Buffer, size: ThumbSize): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  const image = sharp(original).rotate();
  const { width, height, mode } = size;
  if (width === 0 || height === 0) {
    image.resize(width === 0 ? { height } : { width });
  } else if (mode === 'fit') {
    image.resize(width, height, { fit: 'inside' });
  } else {
    image.resize(width, height, { fit: 'cover', position: mode === 'center' ? 'centre' : mode });
  }
  return image.toBuffer();
}

/** Where a file's thumbs are kept, beside it: `{dir}/thumbs_{name}/`. */
export function thumbsPrefix(fileKey: string): string {
  const slash = fileKey.lastIndexOf('/');
  return `${fileKey.slice(0, slash + 1)}thumbs_${fileKey.slice(slash + 1)}/`;
}

/** The key of one thumb of a file: `{dir}/thumbs_{name}/{spec}_{name}`. */
export function thumbKey(fileKey: string, spec: string): string {
  return `${thumbsPrefix(fileKey)}${spec}_${fileKey.slice(fileKey.lastIndexOf('/') + 1)}`;
}
