import { describe, expect, it } from 'vitest';
import { safeKey } from '../storage/keys.ts';
import { extensionOf, snakeCase, storedFileName } from './names.ts';

describe('stored file names', () => {
  it('snake-cases the base and keeps the extension, with 10 random characters', () => {
    expect(storedFileName('My Photo.JPG')).toMatch(/^my_photo_[a-z0-9]{10}\.JPG$/);
    expect(storedFileName('userAvatar.png')).toMatch(/^user_avatar_[a-z0-9]{10}\.png$/);
    expect(storedFileName('archive.v1.tar.gz')).toMatch(/^archive_v1_[a-z0-9]{10}\.tar\.gz$/);
    expect(storedFileName('a.png')).not.toBe(storedFileName('a.png'));
  });

  it('pads short bases and cuts long ones to 100 characters', () => {
    expect(storedFileName('ab.txt')).toMatch(/^ab[a-z0-9]{10}_[a-z0-9]{10}\.txt$/);
    const long = storedFileName(`${'x'.repeat(250)}.txt`);
    expect(long).toMatch(/^x{100}_[a-z0-9]{10}\.txt$/);
  });

  it('takes the detected extension when the name has none', () => {
    expect(storedFileName('photo', 'png')).toMatch(/^photo_[a-z0-9]{10}\.png$/);
    expect(storedFileName('photo')).toMatch(/^photo_[a-z0-9]{10}$/);
  });

  it('makes a safe key segment of any name, path traversal included', () => {
    for (const name of [
      '../../etc/passwd',
      '..\\..\\boot.ini',
      '/abs/path.txt',
      '.hidden',
      'a/../../b.png',
      '..',
      'x.p*n#g',
      '日本語.txt',
      '',
    ]) {
      const stored = storedFileName(name);
      expect(stored).not.toContain('/');
      expect(stored).not.toContain('\\');
      expect(stored).not.toContain('..');
      expect(() => safeKey(`col/rec/${stored}`)).not.toThrow();
    }
    expect(storedFileName('a/../../b.png')).toMatch(/^b[a-z0-9]{10}_[a-z0-9]{10}\.png$/);
  });

  it('reads extensions and words as PocketBase does', () => {
    expect(extensionOf('a.tar.gz')).toBe('.tar.gz');
    expect(extensionOf('a.png')).toBe('.png');
    expect(extensionOf('.bashrc')).toBe('');
    expect(snakeCase('Hello World-Again')).toBe('hello_world_again');
  });
});
