import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { makeThumb, parseThumbSize, thumbKey, thumbOffered, thumbsPrefix } from './thumbs.ts';

const image = (format: 'png' | 'jpeg' | 'gif' | 'webp', width = 400, height = 300) =>
  sharp({ create: { width, height, channels: 3, background: '#3a7' } })
    [format]()
    .toBuffer();

async function thumbOf(spec: string, format: 'png' | 'jpeg' | 'gif' | 'webp' = 'png') {
  const thumb = await makeThumb(await image(format), parseThumbSize(spec)!);
  return sharp(thumb).metadata();
}

describe('thumbs', () => {
  it('reads every PocketBase spec and refuses the rest', () => {
    expect(parseThumbSize('100x50')).toEqual({ spec: '100x50', width: 100, height: 50, mode: 'center' });
    expect(parseThumbSize('100x50t')?.mode).toBe('top');
    expect(parseThumbSize('100x50b')?.mode).toBe('bottom');
    expect(parseThumbSize('100x50f')?.mode).toBe('fit');
    expect(parseThumbSize('0x50')).toMatchObject({ width: 0, height: 50 });
    for (const bad of ['0x0', '0x0f', '100', 'x100', '100x100z', '-1x5', '100X100', '1x1 ']) {
      expect(parseThumbSize(bad), bad).toBeUndefined();
    }
  });

  it('offers the listed sizes and 100x100', () => {
    expect(thumbOffered('100x100', [])).toBe(true);
    expect(thumbOffered('50x50', ['50x50'])).toBe(true);
    expect(thumbOffered('60x60', ['50x50'])).toBe(false);
  });

  it('crops to the exact box, fits inside it, or keeps the aspect ratio from one side', async () => {
    expect(await thumbOf('100x100')).toMatchObject({ width: 100, height: 100 });
    expect(await thumbOf('100x100t')).toMatchObject({ width: 100, height: 100 });
    expect(await thumbOf('100x100f')).toMatchObject({ width: 100, height: 75 });
    expect(await thumbOf('0x100')).toMatchObject({ width: 133, height: 100 });
    expect(await thumbOf('100x0')).toMatchObject({ width: 100, height: 75 });
  });

  it('keeps the original format, webp included', async () => {
    expect((await thumbOf('50x50', 'webp')).format).toBe('webp');
    expect((await thumbOf('50x50', 'jpeg')).format).toBe('jpeg');
    expect((await thumbOf('50x50', 'gif')).format).toBe('gif');
    expect((await thumbOf('50x50', 'png')).format).toBe('png');
  });

  it('keeps thumbs beside the original under a thumbs prefix', () => {
    expect(thumbsPrefix('c1/r1/a_123.png')).toBe('c1/r1/thumbs_a_123.png/');
    expect(thumbKey('c1/r1/a_123.png', '100x100')).toBe('c1/r1/thumbs_a_123.png/100x100_a_123.png');
  });
});
