import { type Kysely, sql } from 'kysely';
import { moveMembersToRecords } from '../access/roles-field-migration.ts';
import { createActivityAccessTables } from '../activity/tables.ts';
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

/** The columns of `_outbox`, as made at first and again when its rows moved to a keyed table. */
const OUTBOX_COLUMNS = sql.raw(`(
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
)`);

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
      await sql`CREATE TABLE "_outbox" ${OUTBOX_COLUMNS}`.execute(trx);
      await sql`CREATE INDEX "_outbox_due" ON "_outbox" ("status", "nextAttemptAt")`.execute(trx);
      await sql`CREATE INDEX "_outbox_webhook" ON "_outbox" ("webhook", "created")`.execute(trx);
    },
  },
  {
    file: '3_files_library',
    async up(trx) {
      await sql`CREATE TABLE "_folders" (
        "id" TEXT PRIMARY KEY NOT NULL,
        "name" TEXT NOT NULL,
        "parent" TEXT NOT NULL DEFAULT '',
        "created" TEXT NOT NULL DEFAULT '',
        "updated" TEXT NOT NULL DEFAULT ''
      )`.execute(trx);
      await sql`CREATE TABLE "_files" (
        "id" TEXT PRIMARY KEY NOT NULL,
        "storage" TEXT NOT NULL,
        "filenameDisk" TEXT NOT NULL,
        "filenameDownload" TEXT NOT NULL,
        "title" TEXT NOT NULL DEFAULT '',
        "type" TEXT NOT NULL DEFAULT '',
        "filesize" BIGINT NOT NULL DEFAULT 0,
        "width" INTEGER NOT NULL DEFAULT 0,
        "height" INTEGER NOT NULL DEFAULT 0,
        "folder" TEXT NOT NULL DEFAULT '',
        "uploadedBy" TEXT NOT NULL DEFAULT '',
        "created" TEXT NOT NULL DEFAULT '',
        "updated" TEXT NOT NULL DEFAULT ''
      )`.execute(trx);
      await sql`CREATE INDEX "_folders_parent" ON "_folders" ("parent")`.execute(trx);
      await sql`CREATE INDEX "_files_folder" ON "_files" ("folder", "created")`.execute(trx);
    },
  },
  {
    file: '4_auth_methods',
    async up(trx, dialect) {
      const ownRecord =
        "@request.auth.id != '' && recordRef = @request.auth.id && collectionRef = @request.auth.collectionId";
      const ref = (name: string) => ({ name, type: 'text', required: true, max: 255 });
      await createDefaultCollection(trx, dialect, {
        id: 'pbc_2281828961',
        name: '_externalAuths',
        system: true,
        fields: [ref('collectionRef'), ref('recordRef'), ref('provider'), ref('providerId')],
        indexes: [
          'CREATE UNIQUE INDEX idx_externalAuths_record_provider ON _externalAuths (collectionRef, recordRef, provider)',
          'CREATE UNIQUE INDEX idx_externalAuths_collection_provider ON _externalAuths (collectionRef, provider, providerId)',
        ],
        listRule: ownRecord,
        viewRule: ownRecord,
        deleteRule: ownRecord,
      });
      await createDefaultCollection(trx, dialect, {
        id: 'pbc_2279338944',
        name: '_mfas',
        system: true,
        fields: [ref('collectionRef'), ref('recordRef'), ref('method')],
        indexes: ['CREATE INDEX idx_mfas_collectionRef_recordRef ON _mfas (collectionRef, recordRef)'],
        listRule: ownRecord,
        viewRule: ownRecord,
      });
      await createDefaultCollection(trx, dialect, {
        id: 'pbc_1638494021',
        name: '_otps',
        system: true,
        fields: [
          ref('collectionRef'),
          ref('recordRef'),
          { name: 'password', type: 'password', required: true, hidden: true },
          { name: 'sentTo', type: 'text', hidden: true },
        ],
        indexes: ['CREATE INDEX idx_otps_collectionRef_recordRef ON _otps (collectionRef, recordRef)'],
        listRule: ownRecord,
        viewRule: ownRecord,
      });
    },
  },
  {
    file: '5_activity_access',
    async up(trx, dialect) {
      await createActivityAccessTables(trx, dialect);
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
  {
    file: '7_request_logs',
    async up(trx, dialect) {
      // PocketBase's `_logs`; ids are sequential, so that the key orders and prunes by time: no
      // other index, since every request writes a row. On SQLite they live in `auxiliary.db`
      // (logs/log-database.ts), which makes its own table.
      if (dialect === 'sqlite') return;
      await sql`CREATE TABLE "_logs" (
        "id" TEXT PRIMARY KEY NOT NULL,
        "created" TEXT NOT NULL DEFAULT '',
        "level" INTEGER NOT NULL DEFAULT 0,
        "message" TEXT NOT NULL DEFAULT '',
        "data" TEXT NOT NULL DEFAULT '{}'
      )`.execute(trx);
    },
  },
  {
    file: '8_outbox_speed',
    async up(trx, dialect) {
      // Fewer pages written with each delivery: on SQLite the rows live in their key's own tree
      // (no rowid tree beside it), and only deliveries still to send are in the due index.
      if (dialect === 'sqlite') {
        await sql`CREATE TABLE "_outbox_keyed" ${OUTBOX_COLUMNS} WITHOUT ROWID`.execute(trx);
        await sql`INSERT INTO "_outbox_keyed" SELECT "id", "webhook", "eventId", "name", "payload",
          "status", "attempts", "nextAttemptAt", "created", "updated" FROM "_outbox"`.execute(trx);
        await sql`DROP TABLE "_outbox"`.execute(trx);
        await sql`ALTER TABLE "_outbox_keyed" RENAME TO "_outbox"`.execute(trx);
        await sql`CREATE INDEX "_outbox_webhook" ON "_outbox" ("webhook", "created")`.execute(trx);
      } else await sql`DROP INDEX "_outbox_due"`.execute(trx);
      await sql`CREATE INDEX "_outbox_due" ON "_outbox" ("nextAttemptAt")
        WHERE "status" IN ('pending', 'retrying')`.execute(trx);
    },
  },
  {
    // a role's members were `_roles.users`; they are now each auth record's `roles` field
    file: '9_auth_record_roles',
    up: moveMembersToRecords,
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
