import type { Kysely } from 'kysely';
import type { Collection, Field } from '../../collections/types.ts';

export const FILES = '_files';
export const FOLDERS = '_folders';

/** A file of the library (Directus' `directus_files`, in PocketBase's camel case). */
export type LibraryFile = {
  id: string;
  /** The driver the content was stored with (`local`, `s3`, …). */
  storage: string;
  /** The content's name in storage: `{random id}{extension}`, under `_files/{id}/`. */
  filenameDisk: string;
  /** The name a download gets. */
  filenameDownload: string;
  title: string;
  /** The MIME type, sniffed from the content. */
  type: string;
  filesize: number;
  /** Pixels, for images; 0 otherwise. */
  width: number;
  height: number;
  /** The folder's id, or '' at the root. */
  folder: string;
  /** The superuser (or user) who uploaded it, '' for the system. */
  uploadedBy: string;
  created: string;
  updated: string;
};

export type Folder = {
  id: string;
  name: string;
  /** The parent folder's id, or '' at the root. */
  parent: string;
  created: string;
  updated: string;
};

/** Where a file's content (and its thumbs) are kept. */
export function fileKey(file: Pick<LibraryFile, 'id' | 'filenameDisk'>): string {
  return `${FILES}/${file.id}/${file.filenameDisk}`;
}

/** Everything stored for one file: deleted whole with it. */
export function filePrefix(id: string): string {
  return `${FILES}/${id}/`;
}

export function fileFromRow(row: Record<string, unknown>): LibraryFile {
  return {
    id: String(row.id),
    storage: String(row.storage),
    filenameDisk: String(row.filenameDisk),
    filenameDownload: String(row.filenameDownload),
    title: String(row.title),
    type: String(row.type),
    filesize: Number(row.filesize),
    width: Number(row.width),
    height: Number(row.height),
    folder: String(row.folder),
    uploadedBy: String(row.uploadedBy),
    created: String(row.created),
    updated: String(row.updated),
  };
}

export function folderFromRow(row: Record<string, unknown>): Folder {
  return {
    id: String(row.id),
    name: String(row.name),
    parent: String(row.parent),
    created: String(row.created),
    updated: String(row.updated),
  };
}

export async function findFile(executor: Kysely<any>, id: string): Promise<LibraryFile | undefined> {
  const row = await executor.selectFrom(FILES).selectAll().where('id', '=', id).executeTakeFirst();
  return row ? fileFromRow(row) : undefined;
}

export async function findFolder(executor: Kysely<any>, id: string): Promise<Folder | undefined> {
  const row = await executor.selectFrom(FOLDERS).selectAll().where('id', '=', id).executeTakeFirst();
  return row ? folderFromRow(row) : undefined;
}

function field(name: string, type: Field['type'], extra: Partial<Field> = {}): Field {
  return { id: `${name}_field`, name, type, system: true, ...extra };
}

function systemCollection(name: string, fields: Field[]): Collection {
  return {
    id: name,
    name,
    type: 'base',
    system: true,
    fields: [
      field('id', 'text', { primaryKey: true }),
      ...fields,
      field('created', 'autodate', { onCreate: true }),
      field('updated', 'autodate', { onCreate: true, onUpdate: true }),
    ],
    indexes: [],
    listRule: null,
    viewRule: null,
    createRule: null,
    updateRule: null,
    deleteRule: null,
    created: '',
    updated: '',
  };
}

/** The two tables as collections, so that list filters and sorts (`folder.name = 'x'`) compile. */
const folders = systemCollection(FOLDERS, [
  field('name', 'text'),
  field('parent', 'relation', { collectionId: FOLDERS, maxSelect: 1 }),
]);
const files = systemCollection(FILES, [
  field('storage', 'text'),
  field('filenameDisk', 'text'),
  field('filenameDownload', 'text'),
  field('title', 'text'),
  field('type', 'text'),
  field('filesize', 'number'),
  field('width', 'number'),
  field('height', 'number'),
  field('folder', 'relation', { collectionId: FOLDERS, maxSelect: 1 }),
  field('uploadedBy', 'text'),
]);

export const libraryCollections = { files, folders };

export function libraryCollection(idOrName: string): Collection | undefined {
  return [files, folders].find((collection) => collection.name === idOrName);
}
