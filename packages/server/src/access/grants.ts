import type { Kysely } from 'kysely';
import type { SchemaCache } from '../collections/store.ts';
import type { Accountability } from '../context.ts';
import { roleIdsOf } from '../records/encoding.ts';
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
 * after each change here and on a notice from another instance. Who belongs to a role is not
 * held here: it is the caller's own record's `roles` field, read with the record.
 */
export class Grants {
  #roles = new Map<string, Role>();
  #permissions = new Map<string, Permission[]>();
  #onReload = new Set<() => void>();

  /** Calls `listener` after each reload (callers holding an accountability derive it again). */
  onReload(listener: () => void): () => void {
    this.#onReload.add(listener);
    return () => this.#onReload.delete(listener);
  }

  async reload(executor: Kysely<any>): Promise<void> {
    const roles = (await executor.selectFrom(ROLES).selectAll().execute()).map(rolesTable.fromRow);
    const permissions = (await executor.selectFrom(PERMISSIONS).selectAll().execute()).map(
      permissionsTable.fromRow,
    );
    const byKey = new Map<string, Permission[]>();
    for (const permission of permissions) {
      const key = keyOf(permission.collection, permission.action);
      byKey.set(key, [...(byKey.get(key) ?? []), permission]);
    }
    this.#roles = new Map(roles.map((role) => [role.id, role]));
    this.#permissions = byKey;
    for (const listener of this.#onReload) listener();
  }

  /** The roles the caller's record names in its `roles` field (ids of deleted roles left out). */
  rolesOf(who: Accountability): readonly Role[] {
    const roles: Role[] = [];
    for (const id of roleIdsOf(who.record?.roles)) {
      const role = this.#roles.get(id);
      if (role) roles.push(role);
    }
    return roles;
  }

  /** The caller as rules see it: a role with admin access makes it a superuser. */
  withRoles(who: Accountability): Accountability {
    if (who.admin || !this.rolesOf(who).some((role) => role.adminAccess)) return who;
    return { ...who, admin: true };
  }

  /** The permissions that grant `action` on `collection` to the caller: public ones and its roles'. */
  grantsFor(who: Accountability, collection: string, action: PermissionAction): readonly Permission[] {
    const permissions = this.#permissions.get(keyOf(collection, action));
    if (!permissions) return NONE;
    const roles = this.rolesOf(who);
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
