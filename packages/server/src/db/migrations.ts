import { type Kysely, sql } from 'kysely';
import { createCollectionTable } from '../collections/ddl.ts';
import { normalizeCollection } from '../collections/schema.ts';
import { insertCollection } from '../collections/store.ts';
import { nowDate } from '../records/dates.ts';
import { withoutQueryTimeout } from './deadline.ts';
import type { Database, Dialect } from './types.ts';

interface Migration {
  file: string;
  up(trx: Kysely<any>, dialect: Dialect): Promise<void>;
}

const systemTables = [
  `CREATE TABLE IF NOT EXISTS "_collections" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "name" TEXT UNIQUE NOT NULL,
    "type" TEXT NOT NULL DEFAULT 'base',
    "system" INTEGER NOT NULL DEFAULT 0,
    "fields" TEXT NOT NULL DEFAULT '[]',
    "indexes" TEXT NOT NULL DEFAULT '[]',
    "listRule" TEXT NULL DEFAULT NULL,
    "viewRule" TEXT NULL DEFAULT NULL,
    "createRule" TEXT NULL DEFAULT NULL,
    "updateRule" TEXT NULL DEFAULT NULL,
    "deleteRule" TEXT NULL DEFAULT NULL,
    "options" TEXT NOT NULL DEFAULT '{}',
    "created" TEXT NOT NULL DEFAULT '',
    "updated" TEXT NOT NULL DEFAULT ''
  )`,
  `CREATE TABLE IF NOT EXISTS "_params" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "value" TEXT NULL DEFAULT NULL,
    "created" TEXT NOT NULL DEFAULT '',
    "updated" TEXT NOT NULL DEFAULT ''
  )`,
  `CREATE TABLE IF NOT EXISTS "_migrations" (
    "file" TEXT PRIMARY KEY NOT NULL,
    "applied" TEXT NOT NULL
  )`,
];

async function createDefaultCollection(trx: Kysely<any>, dialect: Dialect, input: Record<string, unknown>) {
  const collection = normalizeCollection(input, undefined, { allowSystem: true });
  await createCollectionTable(trx, dialect, collection);
  await insertCollection(trx, collection);
}

export const migrations: readonly Migration[] = [
  {
    file: '1_default_collections',
    async up(trx, dialect) {
      await createDefaultCollection(trx, dialect, {
        id: 'pbc_3142635823',
        name: '_superusers',
        type: 'auth',
        system: true,
        authToken: { duration: 86400 },
      });
      await createDefaultCollection(trx, dialect, {
        id: '_pb_users_auth_',
        name: 'users',
        type: 'auth',
        fields: [{ name: 'name', type: 'text', max: 255 }],
        listRule: 'id = @request.auth.id',
        viewRule: 'id = @request.auth.id',
        createRule: '',
        updateRule: 'id = @request.auth.id',
        deleteRule: 'id = @request.auth.id',
      });
    },
  },
  {
    file: '2_webhooks_outbox',
    async up(trx) {
      await sql`CREATE TABLE "_webhooks" (
        "id" TEXT PRIMARY KEY NOT NULL,
        "url" TEXT NOT NULL,
        "events" TEXT NOT NULL DEFAULT '[]',
        "tags" TEXT NOT NULL DEFAULT '[]',
        "secret" TEXT NOT NULL,
        "enabled" INTEGER NOT NULL DEFAULT 1,
        "description" TEXT NOT NULL DEFAULT '',
        "created" TEXT NOT NULL DEFAULT '',
        "updated" TEXT NOT NULL DEFAULT ''
      )`.execute(trx);
      await sql`CREATE TABLE "_outbox" (
        "id" TEXT PRIMARY KEY NOT NULL,
        "webhook" TEXT NOT NULL,
        "eventId" TEXT NOT NULL,
        "name" TEXT NOT NULL,
        "payload" TEXT NOT NULL,
        "status" TEXT NOT NULL DEFAULT 'pending',
        "attempts" TEXT NOT NULL DEFAULT '[]',
        "nextAttemptAt" TEXT NOT NULL DEFAULT '',
        "created" TEXT NOT NULL DEFAULT '',
        "updated" TEXT NOT NULL DEFAULT ''
      )`.execute(trx);
      await sql`CREATE INDEX "_outbox_due" ON "_outbox" ("status", "nextAttemptAt")`.execute(trx);
      await sql`CREATE INDEX "_outbox_webhook" ON "_outbox" ("webhook", "created")`.execute(trx);
    },
  },
  {
    file: '6_plugins',
    async up(trx) {
      await sql`CREATE TABLE "_plugins" (
        "id" TEXT PRIMARY KEY NOT NULL,
        "name" TEXT NOT NULL UNIQUE,
        "keyHash" TEXT NOT NULL UNIQUE,
        "secret" TEXT NOT NULL,
        "created" TEXT NOT NULL DEFAULT '',
        "updated" TEXT NOT NULL DEFAULT ''
      )`.execute(trx);
      // a plugin's hook is a webhook row of its own (its id the plugin's), sent through the outbox
      await sql`ALTER TABLE "_webhooks" ADD COLUMN "plugin" TEXT NOT NULL DEFAULT ''`.execute(trx);
    },
  },
];

/** Creates the system tables and applies pending migrations; safe to run on every start, by any instance. */
export async function migrate(database: Database): Promise<void> {
  await database.transaction(async (trx) => {
    await withoutQueryTimeout(trx, database.dialect);
    if (database.dialect === 'postgres')
      await sql`SELECT pg_advisory_xact_lock(hashtext('sluice_migrate'))`.execute(trx);
    for (const statement of systemTables) await sql.raw(statement).execute(trx);
    const applied = new Set(
      (await trx.selectFrom('_migrations').select('file').execute()).map((row) => row.file as string),
    );
    for (const migration of migrations) {
      if (applied.has(migration.file)) continue;
      await migration.up(trx, database.dialect);
      await trx.insertInto('_migrations').values({ file: migration.file, applied: nowDate() }).execute();
    }
  });
}
