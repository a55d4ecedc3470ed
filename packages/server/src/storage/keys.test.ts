import { describe, expect, it } from 'vitest';
import { safeKey, safePrefix, UnsafeKeyError } from './keys.ts';

describe('safeKey', () => {
  it('accepts the keys files are stored under', () => {
    expect(safeKey('pbc_123/abc123/photo_a1b2c3d4e5.png')).toBe('pbc_123/abc123/photo_a1b2c3d4e5.png');
    expect(safeKey('_files/xyz/report.v2.pdf')).toBe('_files/xyz/report.v2.pdf');
  });

  it.each([
    '../etc/passwd',
    'a/../../b',
    '/etc/passwd',
    'a//b',
    'a/./b',
    'a\\..\\b',
    'a/b\0c',
    '.hidden/a',
    '',
    'a/b/',
  ])('refuses %j', (key) => {
    expect(() => safeKey(key)).toThrow(UnsafeKeyError);
  });

  it('checks prefixes the same way and wants the closing slash', () => {
    expect(safePrefix('pbc_1/rec1/')).toBe('pbc_1/rec1/');
    expect(() => safePrefix('pbc_1/rec1')).toThrow(UnsafeKeyError);
    expect(() => safePrefix('../')).toThrow(UnsafeKeyError);
  });
});
