import { type Kysely, sql } from 'kysely';
import { newId } from '../collections/ids.ts';
import type { Dialect } from '../db/types.ts';
import { nowDate } from '../records/dates.ts';
import { relationsOf } from '../relations/store.ts';

/**
 * The tables of the activity log, revisions, roles, permissions, presets and relations. The
 * relations of the collections that exist already are written at once, so `_relations` starts
 * in step with the schema.
 */
export async function createActivityAccessTables(trx: Kysely<any>, dialect: Dialect): Promise<void> {
  // Every logged write inserts into _activity (and _revisions), in its transaction: each page
  // these inserts touch is written again at each commit. Their ids grow with time, so on SQLite
  // the rows are stored in id order (WITHOUT ROWID: no second index for the key) and each insert
  // appends; the id also stands for the date (order, retention). Revisions keep one index, by record.
  const logTable = sql.raw(dialect === 'sqlite' ? ' WITHOUT ROWID' : '');
  await sql`CREATE TABLE "_activity" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "action" TEXT NOT NULL,
    "user" TEXT NULL DEFAULT NULL,
    "userCollection" TEXT NULL DEFAULT NULL,
    "collection" TEXT NOT NULL,
    "item" TEXT NOT NULL DEFAULT '',
    "ip" TEXT NOT NULL DEFAULT '',
    "userAgent" TEXT NOT NULL DEFAULT '',
    "origin" TEXT NOT NULL DEFAULT '',
    "comment" TEXT NULL DEFAULT NULL,
    "created" TEXT NOT NULL DEFAULT ''
  )${logTable}`.execute(trx);
  await sql`CREATE TABLE "_revisions" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "activity" TEXT NOT NULL,
    "collection" TEXT NOT NULL,
    "item" TEXT NOT NULL,
    "data" TEXT NOT NULL DEFAULT '{}',
    "delta" TEXT NOT NULL DEFAULT '{}',
    "created" TEXT NOT NULL DEFAULT ''
  )${logTable}`.execute(trx);
  await sql`CREATE INDEX "_revisions_item" ON "_revisions" ("collection", "item")`.execute(trx);
  await sql`CREATE TABLE "_roles" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "name" TEXT UNIQUE NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "adminAccess" INTEGER NOT NULL DEFAULT 0,
    "users" TEXT NOT NULL DEFAULT '[]',
    "created" TEXT NOT NULL DEFAULT '',
    "updated" TEXT NOT NULL DEFAULT ''
  )`.execute(trx);
  await sql`CREATE TABLE "_permissions" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "role" TEXT NULL DEFAULT NULL,
    "collection" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "rule" TEXT NOT NULL DEFAULT '',
    "fields" TEXT NULL DEFAULT NULL,
    "presets" TEXT NOT NULL DEFAULT '{}',
    "created" TEXT NOT NULL DEFAULT '',
    "updated" TEXT NOT NULL DEFAULT ''
  )`.execute(trx);
  await sql`CREATE TABLE "_presets" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "user" TEXT NULL DEFAULT NULL,
    "userCollection" TEXT NULL DEFAULT NULL,
    "role" TEXT NULL DEFAULT NULL,
    "collection" TEXT NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',
    "filter" TEXT NOT NULL DEFAULT '',
    "sort" TEXT NOT NULL DEFAULT '',
    "fields" TEXT NOT NULL DEFAULT '',
    "perPage" INTEGER NOT NULL DEFAULT 30,
    "created" TEXT NOT NULL DEFAULT '',
    "updated" TEXT NOT NULL DEFAULT ''
  )`.execute(trx);
  await sql`CREATE TABLE "_relations" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "collection" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "relatedCollection" TEXT NOT NULL,
    "maxSelect" INTEGER NOT NULL DEFAULT 1,
    "cascadeDelete" INTEGER NOT NULL DEFAULT 0,
    "created" TEXT NOT NULL DEFAULT '',
    "updated" TEXT NOT NULL DEFAULT ''
  )`.execute(trx);
  await sql`CREATE UNIQUE INDEX "_relations_field" ON "_relations" ("collection", "field")`.execute(trx);
  const collections = await trx.selectFrom('_collections').select(['id', 'name', 'fields']).execute();
  const names = new Map(collections.map((row) => [String(row.id), String(row.name)]));
  const now = nowDate();
  for (const row of collections) {
    const collection = { name: String(row.name), fields: JSON.parse(String(row.fields)) };
    for (const relation of relationsOf(collection, (id) => names.get(id)))
      await trx
        .insertInto('_relations')
        .values({
          id: newId(),
          ...relation,
          cascadeDelete: relation.cascadeDelete ? 1 : 0,
          created: now,
          updated: now,
        })
        .execute();
  }
}
