import { SluiceError } from '@sluice/hooks';

/** A key no driver may see: answered with a 400, since keys are made from names clients send. */
export class UnsafeKeyError extends SluiceError {
  constructor(message: string) {
    super(400, 'SLUICE_ERR_UNSAFE_STORAGE_KEY', message);
  }
}

// a leading `@` for PocketBase's automatic backups (`@auto_…zip`)
const SEGMENT = /^[A-Za-z0-9_@][A-Za-z0-9_.@+=-]*$/;

/**
 * Checks a storage key (`{collectionId}/{recordId}/{name}`, `_files/{id}/{name}`, …) before any
 * driver sees it: relative, `/`-separated segments of safe characters, none of them `.` or `..`,
 * so that no key can leave the driver's root, whatever the driver does with it.
 */
export function safeKey(key: string): string {
  const segments = key.split('/');
  if (key.length === 0 || key.length > 1024)
    throw new UnsafeKeyError('A storage key must have 1 to 1024 characters.');
  for (const segment of segments) {
    if (segment === '.' || segment === '..' || !SEGMENT.test(segment)) {
      throw new UnsafeKeyError(`The storage key "${key}" has an unsafe segment "${segment}".`);
    }
  }
  return key;
}

/** A prefix for `deletePrefix`: safe segments, ending with `/`. */
export function safePrefix(prefix: string): string {
  if (!prefix.endsWith('/')) throw new UnsafeKeyError(`The storage prefix "${prefix}" must end with "/".`);
  safeKey(prefix.slice(0, -1));
  return prefix;
}
