import { InvalidPayloadError, type SluiceError } from '@sluice/hooks';
import type { Core } from '../app/core.ts';
import { isMultiple } from '../collections/fields.ts';
import type { Collection, Field } from '../collections/types.ts';
import type { HookContext } from '../context.ts';
import { emitAction, recordTags } from '../records/operations/events.ts';
import type { StorageService } from '../storage/service.ts';
import { fileFields, maxFileSize, maxFiles } from './limits.ts';
import { mimeAllowed } from './mime.ts';
import { targetFieldName } from './multipart.ts';
import { thumbsPrefix } from './thumbs.ts';
import { UploadedFile } from './uploaded-file.ts';

/** The files sent with one record write, by the name of their field: PocketBase's `e.uploadedFiles`. */
export type Uploads = Record<string, UploadedFile[]>;

/** The storage key of a record's file: `{collectionId}/{recordId}/{name}`. */
export function recordFileKey(collection: Collection, recordId: string, name: string): string {
  return `${collection.id}/${recordId}/${name}`;
}

/** The names a file column holds: a name, a JSON list of names (as stored), or a list. */
export function fileNames(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((name): name is string => typeof name === 'string');
  if (typeof value !== 'string' || value === '') return [];
  if (!value.startsWith('[')) return [value];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.filter((name): name is string => typeof name === 'string') : [];
  } catch {
    return [];
  }
}

function problem(field: Field, code: string, message: string): SluiceError {
  return new InvalidPayloadError('Failed to load the submitted data.', {
    [field.name]: { code: `validation_${code}`, message },
  });
}

function check(field: Field, files: UploadedFile[]): void {
  if (files.length > maxFiles(field)) {
    throw problem(field, 'too_many_files', `At most ${maxFiles(field)} files are allowed.`);
  }
  for (const file of files) {
    if (file.size > maxFileSize(field)) {
      throw problem(field, 'file_size_limit', `The file is larger than ${maxFileSize(field)} bytes.`);
    }
    if (!mimeAllowed(file.type, field.mimeTypes)) {
      throw problem(
        field,
        'invalid_mime_type',
        `"${file.originalName}" (${file.type}) is not an accepted type.`,
      );
    }
  }
}

/**
 * Takes the `UploadedFile`s out of a write's input: each becomes its stored name in the input, and
 * the files are returned by field, checked against the field (count, size, sniffed type); a
 * single-file field keeps the last one. A file
 * sent to a field that is not a file field, or that fails a check, is a 400 naming the field.
 */
export function takeUploads(
  collection: Collection,
  input: Record<string, unknown>,
): { input: Record<string, unknown>; uploads: Uploads | undefined } {
  let uploads: Uploads | undefined;
  let output = input;
  for (const [key, value] of Object.entries(input)) {
    const entries = Array.isArray(value) ? value : [value];
    if (!entries.some((entry) => entry instanceof UploadedFile)) continue;
    const field = fileFields(collection).find((candidate) => candidate.name === targetFieldName(key));
    if (!field || key.endsWith('-')) {
      throw new InvalidPayloadError('Failed to load the submitted data.', {
        [key]: { code: 'validation_invalid_file', message: 'Files can be sent only to file fields.' },
      });
    }
    const files = entries.filter((entry): entry is UploadedFile => entry instanceof UploadedFile);
    uploads ??= {};
    // a single-file field keeps the last file given, as in PocketBase
    uploads[field.name] = isMultiple(field) ? [...(uploads[field.name] ?? []), ...files] : files.slice(-1);
    check(field, uploads[field.name]);
    if (output === input) output = { ...input };
    const names = entries.map((entry) => (entry instanceof UploadedFile ? entry.name : entry));
    output[key] = Array.isArray(value) ? names : names[0];
  }
  return { input: output, uploads };
}

/**
 * Checks the file columns a write is about to store: each name is a file the record already has
 * or one sent with this write (a client cannot point a record at another record's files).
 */
export function checkFileNames(
  collection: Collection,
  values: Record<string, unknown>,
  existing: Record<string, unknown> | undefined,
  uploads: Uploads | undefined,
): void {
  for (const field of fileFields(collection)) {
    if (!(field.name in values)) continue;
    const known = new Set(fileNames(existing?.[field.name]));
    for (const file of uploads?.[field.name] ?? []) known.add(file.name);
    const unknown = fileNames(values[field.name]).find((name) => !known.has(name));
    if (unknown !== undefined) {
      throw new InvalidPayloadError('Failed to load the submitted data.', {
        [field.name]: {
          code: 'validation_invalid_file',
          message: `"${unknown}" is neither a file of the record nor one sent with the request.`,
        },
      });
    }
  }
}

/**
 * Stores the uploads the row keeps (a filter may have dropped some), before the row is written.
 * Each is removed again if the transaction rolls back; after the commit each emits `files.upload`.
 */
export async function storeUploads(
  app: Core,
  tx: HookContext,
  collection: Collection,
  recordId: string,
  row: Record<string, unknown>,
  uploads: Uploads | undefined,
): Promise<void> {
  if (!uploads) return;
  const storage = tx.services.storage;
  const tags = recordTags(collection);
  for (const [fieldName, files] of Object.entries(uploads)) {
    const kept = new Set(fileNames(row[fieldName]));
    for (const file of files) {
      if (!kept.has(file.name)) continue;
      const key = recordFileKey(collection, recordId, file.name);
      tx.scope?.onRollback(() => removeQuietly(app, storage, [key], tx, false));
      await storage.put(key, file.content, { contentType: file.type, size: file.size }, tx);
      const meta = {
        event: 'files.upload',
        payload: { ...file.toJSON(), field: fieldName, record: recordId },
        key,
        collection: collection.name,
        storage: (await storage.driver()).name,
      };
      emitAction(app, 'files.upload', meta, tx, tags);
    }
  }
}

/**
 * After the commit, removes the files (and their thumbs) an update took out of the record;
 * `next` holds the changed columns.
 */
export function removeReplacedFiles(
  app: Core,
  tx: HookContext,
  collection: Collection,
  existing: Record<string, unknown>,
  next: Record<string, unknown>,
): void {
  const keys: string[] = [];
  for (const field of fileFields(collection)) {
    if (!(field.name in next)) continue;
    const kept = new Set(fileNames(next[field.name]));
    for (const name of fileNames(existing[field.name])) {
      if (!kept.has(name)) keys.push(recordFileKey(collection, String(existing.id), name));
    }
  }
  if (keys.length === 0) return;
  const storage = tx.services.storage;
  afterCommit(tx, () => void removeQuietly(app, storage, keys, tx, true));
}

/** After the commit, removes every file of a deleted record. */
export function removeRecordFiles(
  app: Core,
  tx: HookContext,
  collection: Collection,
  recordId: string,
): void {
  if (fileFields(collection).length > 0) removePrefixAfterCommit(app, tx, `${collection.id}/${recordId}/`);
}

/** After the commit, removes every file of a deleted collection (which may have had file fields once). */
export function removeCollectionFiles(app: Core, tx: HookContext, collection: Collection): void {
  removePrefixAfterCommit(app, tx, `${collection.id}/`);
}

function removePrefixAfterCommit(app: Core, tx: HookContext, prefix: string): void {
  const storage = tx.services.storage;
  afterCommit(tx, () => {
    storage.deletePrefix(prefix, tx).catch((error: unknown) => logFailure(app, prefix, error));
  });
}

function afterCommit(tx: HookContext, fn: () => void): void {
  if (tx.scope) tx.scope.onCommit(fn);
  else fn();
}

/** Removal is not the write's outcome: a failure is logged (and the storage error emitted), never thrown. */
async function removeQuietly(
  app: Core,
  storage: StorageService,
  keys: string[],
  ctx: HookContext,
  withThumbs: boolean,
): Promise<void> {
  await Promise.all(
    keys.map(async (key) => {
      try {
        await storage.delete(key, ctx);
        if (withThumbs) await storage.deletePrefix(thumbsPrefix(key), ctx);
      } catch (error) {
        logFailure(app, key, error);
      }
    }),
  );
}

function logFailure(app: Core, key: string, error: unknown): void {
  app.logger.warn({ key, err: error }, 'A stored file could not be removed.');
}
