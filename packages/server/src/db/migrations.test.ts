import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCollections } from '../collections/store.ts';
import { migrate } from './migrations.ts';
import { dialects, openTestDatabase } from './testing.ts';
import type { Database } from './types.ts';

describe.each(dialects)('migrate (%s)', (dialect) => {
  let database: Database;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ database, cleanup } = await openTestDatabase(dialect));
  });
  afterAll(() => cleanup());

  it('creates the system tables and the default collections, once', async () => {
    await migrate(database);
    await migrate(database);
    await Promise.all([migrate(database), migrate(database)]);

    const collections = await loadCollections(database.reader);
    expect(collections.map((collection) => collection.name)).toEqual([
      '_superusers',
      'users',
      '_externalAuths',
      '_mfas',
      '_otps',
    ]);
    const [superusers, users] = collections;
    expect(superusers).toMatchObject({
      type: 'auth',
      system: true,
      listRule: null,
      viewRule: null,
      createRule: null,
      updateRule: null,
      deleteRule: null,
    });
    expect(users).toMatchObject({
      id: '_pb_users_auth_',
      type: 'auth',
      system: false,
      listRule: 'id = @request.auth.id',
      viewRule: 'id = @request.auth.id',
      createRule: '',
      updateRule: 'id = @request.auth.id',
      deleteRule: 'id = @request.auth.id',
      passwordAuth: { enabled: true, identityFields: ['email'] },
    });
    expect(users.fields.map((field) => field.name)).toEqual([
      'id',
      'password',
      'tokenKey',
      'email',
      'emailVisibility',
      'verified',
      'roles',
      'name',
      'created',
      'updated',
    ]);

    const migrations = await database.reader.selectFrom('_migrations').select('file').execute();
    expect(migrations.map((row) => row.file).sort()).toEqual([
      '1_default_collections',
      '2_webhooks_outbox',
      '3_files_library',
      '4_auth_methods',
      '5_activity_access',
      '6_plugins',
      '7_request_logs',
      '8_outbox_speed',
      '9_auth_record_roles',
    ]);
    for (const table of ['_activity', '_revisions', '_roles', '_permissions', '_presets'])
      expect(await database.reader.selectFrom(table).selectAll().execute()).toEqual([]);
    // the relations of the default collections (none have relation fields) start in step
    expect(await database.reader.selectFrom('_relations').selectAll().execute()).toEqual([]);
    expect(await database.reader.selectFrom('_webhooks').selectAll().execute()).toEqual([]);
    expect(await database.reader.selectFrom('_plugins').selectAll().execute()).toEqual([]);
    expect(await database.reader.selectFrom('_outbox').selectAll().execute()).toEqual([]);
    expect(await database.reader.selectFrom('_files').selectAll().execute()).toEqual([]);
    expect(await database.reader.selectFrom('_folders').selectAll().execute()).toEqual([]);
    expect(await database.reader.selectFrom('_params').selectAll().execute()).toEqual([]);
  });

  it('creates tables for the default collections', async () => {
    await database.db
      .insertInto('users')
      .values({ id: 'abcdefghijklmno', email: 'a@example.com', tokenKey: 'k', name: 'Ann' })
      .execute();
    const row = await database.reader.selectFrom('users').selectAll().executeTakeFirst();
    expect(row).toMatchObject({
      id: 'abcdefghijklmno',
      email: 'a@example.com',
      name: 'Ann',
      verified: 0,
      password: '',
    });
    expect(await database.reader.selectFrom('_superusers').selectAll().execute()).toEqual([]);
  });
});
