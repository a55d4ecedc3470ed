import { InvalidPayloadError } from '@sluice/hooks';
import type { Kysely } from 'kysely';
import { uniqueViolationColumns } from '../db/errors.ts';
import { loadedOAuth2, storableOAuth2 } from './auth-methods-options.ts';
import type { Collection } from './types.ts';

const table = '_collections';
const authOptionKeys = [
  'authRule',
  'manageRule',
  'passwordAuth',
  'authToken',
  'verificationToken',
  'passwordResetToken',
  'emailChangeToken',
  'fileToken',
  'verificationTemplate',
  'resetPasswordTemplate',
  'confirmEmailChangeTemplate',
  'oauth2',
  'otp',
  'mfa',
] as const;

export interface CollectionRow {
  id: string;
  name: string;
  type: string;
  system: number;
  fields: string;
  indexes: string;
  listRule: string | null;
  viewRule: string | null;
  createRule: string | null;
  updateRule: string | null;
  deleteRule: string | null;
  options: string;
  created: string;
  updated: string;
}

export function collectionToRow(collection: Collection): CollectionRow {
  const options: Record<string, unknown> = {};
  if (collection.type === 'auth') {
    for (const key of authOptionKeys) if (collection[key] !== undefined) options[key] = collection[key];
    if (collection.oauth2) options.oauth2 = storableOAuth2(collection.oauth2);
  }
  if (collection.tracking) options.tracking = collection.tracking;
  return {
    id: collection.id,
    name: collection.name,
    type: collection.type,
    system: collection.system ? 1 : 0,
    fields: JSON.stringify(collection.fields),
    indexes: JSON.stringify(collection.indexes),
    listRule: collection.listRule,
    viewRule: collection.viewRule,
    createRule: collection.createRule,
    updateRule: collection.updateRule,
    deleteRule: collection.deleteRule,
    options: JSON.stringify(options),
    created: collection.created,
    updated: collection.updated,
  };
}

export function rowToCollection(row: CollectionRow): Collection {
  const options = JSON.parse(row.options || '{}') as Partial<Collection>;
  if (options.oauth2) options.oauth2 = loadedOAuth2(options.oauth2);
  return {
    id: row.id,
    name: row.name,
    type: row.type === 'auth' ? 'auth' : 'base',
    system: Boolean(row.system),
    fields: JSON.parse(row.fields || '[]'),
    indexes: JSON.parse(row.indexes || '[]'),
    listRule: row.listRule,
    viewRule: row.viewRule,
    createRule: row.createRule,
    updateRule: row.updateRule,
    deleteRule: row.deleteRule,
    ...(row.type === 'auth' ? options : {}),
    ...(options.tracking ? { tracking: options.tracking } : {}),
    created: row.created,
    updated: row.updated,
  };
}

export async function loadCollections(executor: Kysely<any>): Promise<Collection[]> {
  const rows = await executor.selectFrom(table).selectAll().orderBy('created').orderBy('name').execute();
  return (rows as CollectionRow[]).map(rowToCollection);
}

function rethrowNameTaken(error: unknown): never {
  if (uniqueViolationColumns(error)?.includes('name')) {
    throw new InvalidPayloadError('Failed to save the collection.', {
      name: {
        code: 'validation_collection_name_exists',
        message: 'A collection with this name already exists.',
      },
    });
  }
  throw error;
}

export async function insertCollection(trx: Kysely<any>, collection: Collection): Promise<void> {
  await trx.insertInto(table).values(collectionToRow(collection)).execute().catch(rethrowNameTaken);
}

export async function updateCollection(trx: Kysely<any>, collection: Collection): Promise<void> {
  const { id, created, ...changes } = collectionToRow(collection);
  await trx.updateTable(table).set(changes).where('id', '=', id).execute().catch(rethrowNameTaken);
}

export async function deleteCollection(trx: Kysely<any>, id: string): Promise<void> {
  await trx.deleteFrom(table).where('id', '=', id).execute();
}

/** Every collection in memory, looked up by id or name (names case-insensitively). */
export class SchemaCache {
  #byId = new Map<string, Collection>();
  #byName = new Map<string, Collection>();
  #list: Collection[] = [];

  constructor(collections: Collection[] = []) {
    this.replace(collections);
  }

  get(idOrName: string): Collection | undefined {
    return this.#byId.get(idOrName) ?? this.#byName.get(idOrName) ?? this.#byName.get(idOrName.toLowerCase());
  }

  all(): readonly Collection[] {
    return this.#list;
  }

  async reload(executor: Kysely<any>): Promise<void> {
    this.replace(await loadCollections(executor));
  }

  replace(collections: Collection[]): void {
    const byId = new Map<string, Collection>();
    const byName = new Map<string, Collection>();
    for (const collection of collections) {
      byId.set(collection.id, collection);
      byName.set(collection.name, collection);
      if (!byName.has(collection.name.toLowerCase())) byName.set(collection.name.toLowerCase(), collection);
    }
    this.#byId = byId;
    this.#byName = byName;
    this.#list = collections;
  }

  /** Adds or replaces one collection (after a write this process made). */
  set(collection: Collection): void {
    const list = this.#list.filter((existing) => existing.id !== collection.id);
    const index = this.#list.findIndex((existing) => existing.id === collection.id);
    if (index === -1) list.push(collection);
    else list.splice(index, 0, collection);
    this.replace(list);
  }

  remove(id: string): void {
    this.replace(this.#list.filter((collection) => collection.id !== id));
  }
}
