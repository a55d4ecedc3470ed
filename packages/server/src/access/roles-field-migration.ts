import { type Kysely, sql } from 'kysely';
import { columnDefinition } from '../collections/ddl.ts';
import { isRolesField, ROLES_FIELD, systemFields } from '../collections/fields.ts';
import type { Field } from '../collections/types.ts';
import type { Dialect } from '../db/types.ts';
import { parseJson } from '../writes/system-items.ts';
import { ROLES } from './store.ts';

/** What a field named `roles` made before the system field is renamed to. */
export const PREVIOUS_ROLES_FIELD = 'roles_previous';

/**
 * Moves role membership from the roles (`_roles.users`, a list of auth record ids) to the auth
 * records: every auth collection gets the `roles` system field, filled from the roles, and
 * `_roles.users` goes.
 */
export async function moveMembersToRecords(trx: Kysely<any>, dialect: Dialect): Promise<void> {
  const rolesField = systemFields('auth').find(isRolesField) as Field;
  const collections = await trx
    .selectFrom('_collections')
    .select(['id', 'name', 'fields'])
    .where('type', '=', 'auth')
    .execute();
  const members = new Map<string, string[]>();
  for (const role of await trx.selectFrom(ROLES).select(['id', 'users']).execute())
    for (const user of parseJson<string[]>(role.users, []))
      members.set(user, [...(members.get(user) ?? []), String(role.id)]);

  for (const row of collections) {
    const table = String(row.name);
    const fields = JSON.parse(String(row.fields)) as Field[];
    if (!fields.some(isRolesField)) {
      const taken = fields.find((field) => field.name.toLowerCase() === ROLES_FIELD);
      if (taken) {
        await sql`ALTER TABLE ${sql.id(table)} RENAME COLUMN ${sql.id(taken.name)} TO ${sql.id(PREVIOUS_ROLES_FIELD)}`.execute(
          trx,
        );
        taken.name = PREVIOUS_ROLES_FIELD;
      }
      const verified = fields.findIndex((field) => field.system && field.name === 'verified');
      fields.splice(verified + 1, 0, structuredClone(rolesField));
      await sql
        .raw(
          `ALTER TABLE "${table.replaceAll('"', '""')}" ADD COLUMN ${columnDefinition(dialect, rolesField)}`,
        )
        .execute(trx);
      await trx
        .updateTable('_collections')
        .set({ fields: JSON.stringify(fields) })
        .where('id', '=', row.id)
        .execute();
    }
    await trx
      .updateTable(table)
      .set({ [ROLES_FIELD]: '[]' })
      .where(ROLES_FIELD, 'is', null)
      .execute();
    for (const [user, roles] of members) {
      const updated = await trx
        .updateTable(table)
        .set({ [ROLES_FIELD]: JSON.stringify(roles) })
        .where('id', '=', user)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) > 0) members.delete(user);
    }
  }
  await sql`ALTER TABLE ${sql.id(ROLES)} DROP COLUMN "users"`.execute(trx);
}
