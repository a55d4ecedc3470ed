import type { Collection, Field } from '../collections/types.ts';

/** PocketBase's default per-file limit, for a field whose `maxSize` is 0: 5 MiB. */
export const DEFAULT_MAX_FILE_SIZE = 5 << 20;

export function fileFields(collection: Collection): readonly Field[] {
  let fields = fileFieldsOf.get(collection);
  if (!fields) {
    fields = collection.fields.filter((field) => field.type === 'file');
    fileFieldsOf.set(collection, fields);
  }
  return fields;
}
const fileFieldsOf = new WeakMap<Collection, readonly Field[]>();

export function maxFileSize(field: Field): number {
  return field.maxSize && field.maxSize > 0 ? field.maxSize : DEFAULT_MAX_FILE_SIZE;
}

export function maxFiles(field: Field): number {
  return Math.max(1, field.maxSelect ?? 1);
}

/**
 * The largest multipart body a write to `collection` may send: every file field full, plus
 * `otherFields` for the rest of the form (PocketBase's per-request limit, derived the same way).
 */
export function multipartBodyLimit(collection: Collection, otherFields: number): number {
  let limit = otherFields;
  for (const field of fileFields(collection)) limit += maxFileSize(field) * maxFiles(field);
  return limit;
}
