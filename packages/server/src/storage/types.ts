import type { Readable } from 'node:stream';

/** The drivers a storage setting may name. */
export const STORAGE_DRIVERS = ['local', 's3', 'ftp', 'gcs', 'cloudinary'] as const;
export type StorageDriverName = (typeof STORAGE_DRIVERS)[number];

/** What a stored object is, as far as serving it needs. */
export interface StoredObject {
  size: number;
  contentType: string | undefined;
  modified: Date | undefined;
}

/** Bytes `start` to `end` of an object, both included. */
export interface ByteRange {
  start: number;
  end: number;
}

/** One stored object's content, to be streamed to a client. */
export interface ObjectStream extends StoredObject {
  body: Readable;
  /** Set when `body` holds only these bytes (`size` is still the whole object's). */
  range?: ByteRange;
}

/**
 * One place to keep bytes. Keys are `/`-separated relative paths already checked by the
 * caller (see storage/keys.ts); a driver never sees `..`, an absolute path or a backslash.
 * A driver that cannot reach its service throws a `StorageUnavailableError` (storage/errors.ts),
 * which the caller turns into `files.storage_error` and a 503.
 */
export interface StorageDriver {
  readonly name: StorageDriverName;
  /** Stores `body` under `key`, replacing what was there. */
  put(key: string, body: Buffer | Readable, options: { contentType: string; size?: number }): Promise<void>;
  /**
   * The object under `key`, or undefined when there is none. A driver that can seek honours
   * `range` (and says so in the answer's `range`); one that cannot may send the whole object.
   */
  get(key: string, range?: ByteRange): Promise<ObjectStream | undefined>;
  /** What is known of the object under `key`, or undefined when there is none. */
  stat(key: string): Promise<StoredObject | undefined>;
  /** Removes the object under `key`; no error when there is none. */
  delete(key: string): Promise<void>;
  /** Removes every object whose key starts with `prefix` (which ends with `/`). */
  deletePrefix(prefix: string): Promise<void>;
  /** Proves the driver can reach its service and write to it; throws when it cannot. */
  test(): Promise<void>;
  /** Releases connections (FTP sessions, HTTP agents). */
  close(): Promise<void>;
}
