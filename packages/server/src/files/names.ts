import { randomInt } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** Characters an extension keeps: a narrower set than PocketBase's (no `*`, `#`), so every name is a safe key segment. */
const EXTENSION_UNSAFE = /[^A-Za-z0-9_.=+-]+/g;
const WORD_SEPARATORS = /[^A-Za-z0-9]+/;

export function randomSuffix(length = 10): string {
  let text = '';
  for (let i = 0; i < length; i++) text += ALPHABET[randomInt(ALPHABET.length)];
  return text;
}

/** The extension of a name, double ones included (`.tar.gz`), as PocketBase reads it. */
export function extensionOf(name: string): string {
  const last = name.lastIndexOf('.');
  if (last <= 0) return '';
  const previous = name.lastIndexOf('.', last - 1);
  return name.slice(previous > 0 ? previous : last);
}

/** `My Photo` → `my_photo`, `userAvatar` → `user_avatar`: words split on anything but letters and digits. */
export function snakeCase(text: string): string {
  const words: string[] = [];
  for (const word of text.split(WORD_SEPARATORS)) {
    if (word === '') continue;
    words.push(word.replace(/(?<=[a-z0-9])(?=[A-Z])/g, '_'));
  }
  return words.join('_').toLowerCase();
}

/**
 * The name a file is stored under, made as PocketBase makes it: the snake-cased base cut to 100
 * characters (or padded with random characters when shorter than 3), `_`, 10 random `[a-z0-9]`,
 * and the cleaned extension (the last 20 characters of it), or `detectedExtension` when the name
 * has none. No `/`, `\` or `..` survives, so a name is always one safe key segment.
 */
export function storedFileName(originalName: string, detectedExtension = ''): string {
  const name = lastSegment(originalName.slice(-300));
  const extension = extensionOf(name);
  let base = snakeCase(name.slice(0, name.length - extension.length));
  if (base.length < 3) base += randomSuffix();
  else if (base.length > 100) base = base.slice(0, 100);
  return `${base}_${randomSuffix()}${cleanExtension(name, detectedExtension)}`;
}

/** The last segment of a client's file name: a client's path means nothing here. */
export function lastSegment(name: string): string {
  return name.split(/[\\/]/).pop() ?? '';
}

/**
 * A name's extension reduced to safe characters (the last 20 of them), or `.{detectedExtension}`
 * when the name has none: never a `/`, `\\` or `..`.
 */
export function cleanExtension(name: string, detectedExtension = ''): string {
  let clean = extensionOf(lastSegment(name))
    .replace(EXTENSION_UNSAFE, '')
    .replace(/\.{2,}/g, '.');
  if (clean === '' || clean === '.') clean = detectedExtension ? `.${detectedExtension}` : '';
  if (clean.length > 20) clean = `.${clean.slice(-20).replace(/^\.+/, '')}`;
  return clean;
}
