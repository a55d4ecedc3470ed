import { type Kysely, sql } from 'kysely';
import type { Collection, Field } from '../collections/types.ts';
import { openTestDatabase } from '../db/testing.ts';
import type { Dialect } from '../db/types.ts';
import type { FilterContext } from './context.ts';

/** Small collections and records shared by the filter, sort and fields tests. */

function collection(
  id: string,
  name: string,
  fields: Field[],
  type: Collection['type'] = 'base',
): Collection {
  return {
    id,
    name,
    type,
    system: false,
    fields: [{ id: `${id}_id`, name: 'id', type: 'text', primaryKey: true, system: true }, ...fields],
    indexes: [],
    listRule: null,
    viewRule: null,
    createRule: null,
    updateRule: null,
    deleteRule: null,
    created: '2024-01-01 00:00:00.000Z',
    updated: '2024-01-01 00:00:00.000Z',
  };
}

export const teams = collection('c_teams', 'teams', [{ id: 'f_tname', name: 'name', type: 'text' }]);

export const users = collection(
  'c_users',
  'users',
  [
    { id: 'f_uname', name: 'name', type: 'text' },
    { id: 'f_age', name: 'age', type: 'number' },
    { id: 'f_verified', name: 'verified', type: 'bool' },
    { id: 'f_team', name: 'team', type: 'relation', collectionId: 'c_teams', maxSelect: 1 },
    { id: 'f_password', name: 'password', type: 'password', hidden: true },
    { id: 'f_roles', name: 'roles', type: 'json', system: true },
  ],
  'auth',
);

export const posts = collection('c_posts', 'posts', [
  { id: 'f_title', name: 'title', type: 'text' },
  { id: 'f_views', name: 'views', type: 'number' },
  { id: 'f_published', name: 'published', type: 'bool' },
  { id: 'f_author', name: 'author', type: 'relation', collectionId: 'c_users', maxSelect: 1 },
  { id: 'f_tags', name: 'tags', type: 'select', values: ['news', 'tech'], maxSelect: 5 },
  { id: 'f_editors', name: 'editors', type: 'relation', collectionId: 'c_users', maxSelect: 10 },
  { id: 'f_meta', name: 'meta', type: 'json' },
  { id: 'f_created', name: 'created', type: 'autodate', onCreate: true },
  { id: 'f_status', name: 'status', type: 'select', values: ['draft', 'live'], maxSelect: 1 },
]);

export const members = collection('c_members', 'members', [
  { id: 'f_muser', name: 'user', type: 'relation', collectionId: 'c_users', maxSelect: 1 },
  { id: 'f_mpost', name: 'post', type: 'relation', collectionId: 'c_posts', maxSelect: 1 },
  { id: 'f_role', name: 'role', type: 'text' },
]);

const all = [teams, users, posts, members];

export function getCollection(idOrName: string): Collection | undefined {
  return all.find((candidate) => candidate.id === idOrName || candidate.name === idOrName);
}

export const alice = {
  id: 'u1',
  collectionId: 'c_users',
  collectionName: 'users',
  name: 'Alice',
  team: 't1',
};

export function postsContext(dialect: Dialect, overrides: Partial<FilterContext> = {}): FilterContext {
  return { dialect, collection: posts, getCollection, auth: null, ...overrides };
}

const rows = {
  teams: [
    { id: 't1', name: 'Red' },
    { id: 't2', name: 'Blue' },
  ],
  users: [
    { id: 'u1', name: 'Alice', age: 30, verified: 1, team: 't1', password: 'hash1' },
    { id: 'u2', name: 'bob', age: 17, verified: 0, team: 't2', password: 'hash2' },
    { id: 'u3', name: 'Carol', age: 45, verified: 1, team: '', password: 'hash3' },
  ],
  posts: [
    {
      id: 'p1',
      title: 'Hello World',
      views: 10,
      published: 1,
      author: 'u1',
      tags: '["news","tech"]',
      editors: '["u2","u3"]',
      meta: '{"score":5,"flags":{"hot":true},"label":"x","list":[1,2]}',
      created: '2024-01-10 12:00:00.000Z',
      status: 'draft',
    },
    {
      id: 'p2',
      title: "it's 100% done_now",
      views: 0,
      published: 0,
      author: 'u2',
      tags: '[]',
      editors: '[]',
      meta: null,
      created: '2024-02-01 00:00:00.000Z',
      status: '',
    },
    {
      id: 'p3',
      title: '',
      views: 2.5,
      published: 1,
      author: '',
      tags: '["tech"]',
      editors: '["u1"]',
      meta: '{"score":"7","flags":{"hot":false}}',
      created: '2023-12-31 23:59:59.999Z',
      status: 'live',
    },
    {
      id: 'p4',
      title: "' OR 1=1 --",
      views: -3,
      published: 0,
      author: 'u3',
      tags: '["news"]',
      editors: '["u1","u2"]',
      meta: '{"score":12,"label":"Y"}',
      created: '2024-03-05 08:30:00.000Z',
      status: 'live',
    },
  ],
  members: [
    { id: 'm1', user: 'u1', post: 'p2', role: 'owner' },
    { id: 'm2', user: 'u2', post: 'p1', role: 'viewer' },
  ],
};

async function createTables(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const real = sql.raw(dialect === 'sqlite' ? 'REAL' : 'DOUBLE PRECISION');
  await sql`CREATE TABLE "teams" ("id" TEXT PRIMARY KEY, "name" TEXT NOT NULL DEFAULT '')`.execute(db);
  await sql`CREATE TABLE "users" ("id" TEXT PRIMARY KEY, "name" TEXT NOT NULL DEFAULT '', "age" ${real} NOT NULL DEFAULT 0,
    "verified" INTEGER NOT NULL DEFAULT 0, "team" TEXT NOT NULL DEFAULT '', "password" TEXT NOT NULL DEFAULT '')`.execute(
    db,
  );
  await sql`CREATE TABLE "posts" ("id" TEXT PRIMARY KEY, "title" TEXT NOT NULL DEFAULT '', "views" ${real} NOT NULL DEFAULT 0,
    "published" INTEGER NOT NULL DEFAULT 0, "author" TEXT NOT NULL DEFAULT '', "tags" TEXT NOT NULL DEFAULT '[]',
    "editors" TEXT NOT NULL DEFAULT '[]', "meta" TEXT NULL, "created" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL DEFAULT '')`.execute(db);
  await sql`CREATE TABLE "members" ("id" TEXT PRIMARY KEY, "user" TEXT NOT NULL DEFAULT '',
    "post" TEXT NOT NULL DEFAULT '', "role" TEXT NOT NULL DEFAULT '')`.execute(db);
}

export interface FilterTestDatabase {
  db: Kysely<any>;
  cleanup(): Promise<void>;
}

/** A database of the given dialect holding the fixture tables and rows. */
export async function openFilterTestDatabase(dialect: Dialect): Promise<FilterTestDatabase> {
  const { database, cleanup } = await openTestDatabase(dialect);
  const db = database.db;
  await createTables(db, dialect);
  for (const [table, values] of Object.entries(rows)) {
    await db.insertInto(table).values(values).execute();
  }
  return { db, cleanup };
}
