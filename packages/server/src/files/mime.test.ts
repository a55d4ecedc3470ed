import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { mimeAllowed, sniffType } from './mime.ts';

/** The first bytes of a Linux executable (ELF, 64-bit, little-endian). */
const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(120)]);
/** The first bytes of a Windows executable (MZ header pointing at a PE header). */
const PE = (() => {
  const bytes = Buffer.alloc(256);
  bytes.write('MZ', 0);
  bytes.writeUInt32LE(0x80, 0x3c);
  bytes.write('PE\0\0', 0x80, 'binary');
  return bytes;
})();

describe('MIME sniffing', () => {
  it('tells images by their content', async () => {
    const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#f00' } })
      .png()
      .toBuffer();
    expect(await sniffType(png)).toEqual({ mime: 'image/png', extension: 'png' });
  });

  it('sees an executable for what it is, whatever its name says', async () => {
    const elf = await sniffType(ELF);
    expect(elf.mime).toBe('application/x-elf');
    expect(mimeAllowed(elf.mime, ['image/png', 'image/jpeg'])).toBe(false);
    const pe = await sniffType(PE);
    expect(pe.mime).not.toBe('image/png');
    expect(mimeAllowed(pe.mime, ['image/png'])).toBe(false);
  });

  it('tells text, JSON and SVG apart when no signature matches', async () => {
    expect((await sniffType(Buffer.from('hello'))).mime).toBe('text/plain');
    expect((await sniffType(Buffer.from('{"a":1}'))).mime).toBe('application/json');
    expect((await sniffType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>'))).mime).toBe(
      'image/svg+xml',
    );
    expect((await sniffType(Buffer.from([1, 0, 2, 0xff]))).mime).toBe('application/octet-stream');
  });

  it('matches types without parameters or case, jpg as jpeg, and accepts all on an empty list', () => {
    expect(mimeAllowed('image/jpeg', ['IMAGE/JPG'])).toBe(true);
    expect(mimeAllowed('text/plain; charset=utf-8', ['text/plain'])).toBe(true);
    expect(mimeAllowed('text/plain', [])).toBe(true);
    expect(mimeAllowed('text/plain', ['application/json'])).toBe(false);
  });
});
