import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollectionTable } from '../collections/ddl.ts';
import { isRolesField } from '../collections/fields.ts';
import { normalizeCollection } from '../collections/schema.ts';
import { insertCollection, loadCollections } from '../collections/store.ts';
import { migrate } from '../db/migrations.ts';
import { dialects, openTestDatabase } from '../db/testing.ts';
import type { Database } from '../db/types.ts';
import { moveMembersToRecords, PREVIOUS_ROLES_FIELD } from './roles-field-migration.ts';

describe.each(dialects)('moving role members to the auth records (%s)', (dialect) => {
  let database: Database;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ database, cleanup } = await openTestDatabase(dialect));
    await migrate(database);
  });
  afterAll(() => cleanup());

  it('gives every auth collection the roles field, filled from _roles.users, and drops that column', async () => {
    await database.db.transaction().execute(async (trx) => {
      // the state before: members listed on the role, auth collections without the field (one
      // with a field of its own named roles)
      await sql`ALTER TABLE "_roles" ADD COLUMN "users" TEXT NOT NULL DEFAULT '[]'`.execute(trx);
      const made = normalizeCollection({
        name: 'staff',
        type: 'auth',
        fields: [{ name: 'name', type: 'text' }],
      });
      const staff = {
        ...made,
        fields: [
          ...made.fields.filter((field) => !isRolesField(field)),
          { id: 'text1', name: 'roles', type: 'text' as const, system: false },
        ],
      };
      await createCollectionTable(trx, dialect, staff);
      await insertCollection(trx, staff);
      await trx
        .insertInto('staff')
        .values([
          { id: 'staff0000000001', email: 's1@example.com', tokenKey: 'k1', roles: 'own data' },
          { id: 'staff0000000002', email: 's2@example.com', tokenKey: 'k2', roles: '' },
        ])
        .execute();
      await trx
        .insertInto('users')
        .values({ id: 'users0000000001', email: 'u1@example.com', tokenKey: 'k3' })
        .execute();
      const role = (id: string, users: string[]) => ({ id, name: id, users: JSON.stringify(users) });
      await trx
        .insertInto('_roles')
        .values([
          role('editors', ['staff0000000001', 'users0000000001', 'gone0000000000']),
          role('readers', ['staff0000000001']),
        ])
        .execute();
      await moveMembersToRecords(trx, dialect);
    });

    const collections = await loadCollections(database.reader);
    for (const collection of collections.filter((each) => each.type === 'auth'))
      expect(collection.fields.filter(isRolesField)).toHaveLength(1);
    const staff = collections.find((collection) => collection.name === 'staff');
    expect(staff?.fields.map((field) => field.name)).toEqual([
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
      PREVIOUS_ROLES_FIELD,
    ]);
    const rows = await database.reader
      .selectFrom('staff')
      .select(['id', 'roles', PREVIOUS_ROLES_FIELD])
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { id: 'staff0000000001', roles: '["editors","readers"]', [PREVIOUS_ROLES_FIELD]: 'own data' },
      { id: 'staff0000000002', roles: '[]', [PREVIOUS_ROLES_FIELD]: '' },
    ]);
    const user = await database.reader.selectFrom('users').select('roles').executeTakeFirstOrThrow();
    expect(user.roles).toBe('["editors"]');
    const role = await database.reader.selectFrom('_roles').selectAll().executeTakeFirstOrThrow();
    expect(role).not.toHaveProperty('users');
  });
});
