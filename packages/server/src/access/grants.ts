import type { Kysely } from 'kysely';
import type { SchemaCache } from '../collections/store.ts';
import type { Accountability } from '../context.ts';
import {
  PERMISSIONS,
  type Permission,
  type PermissionAction,
  permissionsTable,
  ROLES,
  type Role,
  rolesTable,
} from './store.ts';

const NONE: readonly Permission[] = [];

/**
 * The roles and permissions, held in memory so that a rule check costs no query: reloaded
 * after each change here and on a notice from another instance.
 */
export class Grants {
  #rolesOfUser = new Map<string, Role[]>();
  #permissions = new Map<string, Permission[]>();

  async reload(executor: Kysely<any>): Promise<void> {
    const roles = (await executor.selectFrom(ROLES).selectAll().execute()).map(rolesTable.fromRow);
    const permissions = (await executor.selectFrom(PERMISSIONS).selectAll().execute()).map(
      permissionsTable.fromRow,
    );
    const rolesOfUser = new Map<string, Role[]>();
    for (const role of roles)
      for (const user of role.users) rolesOfUser.set(user, [...(rolesOfUser.get(user) ?? []), role]);
    const byKey = new Map<string, Permission[]>();
    for (const permission of permissions) {
      const key = keyOf(permission.collection, permission.action);
      byKey.set(key, [...(byKey.get(key) ?? []), permission]);
    }
    this.#rolesOfUser = rolesOfUser;
    this.#permissions = byKey;
  }

  rolesOf(user: string | null): readonly Role[] {
    return (user !== null && this.#rolesOfUser.get(user)) || [];
  }

  /**
   * The caller as rules see it: its record carries `roles` (their names, for
   * `@request.auth.roles`), and a role with admin access makes it a superuser.
   */
  withRoles(who: Accountability): Accountability {
    const roles = this.rolesOf(who.user);
    if (roles.length === 0 || !who.record) return who;
    return {
      ...who,
      admin: who.admin || roles.some((role) => role.adminAccess),
      record: { ...who.record, roles: roles.map((role) => role.name) },
    };
  }

  /** The permissions that grant `action` on `collection` to the caller: public ones and its roles'. */
  grantsFor(who: Accountability, collection: string, action: PermissionAction): readonly Permission[] {
    const permissions = this.#permissions.get(keyOf(collection, action));
    if (!permissions) return NONE;
    const roles = this.rolesOf(who.user);
    return permissions.filter(
      (permission) => permission.role === null || roles.some((role) => role.id === permission.role),
    );
  }
}

function keyOf(collection: string, action: PermissionAction): string {
  return `${collection}\u0000${action}`;
}

const registry = new WeakMap<SchemaCache, Grants>();

/** The grants of the app a schema belongs to (rules reach them through the context's schema). */
export function grantsOf(schema: SchemaCache): Grants {
  let grants = registry.get(schema);
  if (!grants) {
    grants = new Grants();
    registry.set(schema, grants);
  }
  return grants;
}
