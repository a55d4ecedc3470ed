import type { Kysely } from 'kysely';
import { parseJson, type SystemItem, type SystemTable } from '../writes/system-items.ts';
import { tableShape } from '../writes/system-list.ts';

export const ROLES = '_roles';
export const PERMISSIONS = '_permissions';

/**
 * A named group of auth records that permissions are granted to. Its members are the auth
 * records whose `roles` field holds its id.
 */
export interface Role extends SystemItem {
  name: string;
  description: string;
  /** Its members act as superusers. */
  adminAccess: boolean;
  /** In answers only, never stored: the ids of its members, derived from their `roles`. */
  users?: string[];
  updated: string;
}

export const PERMISSION_ACTIONS = ['list', 'view', 'create', 'update', 'delete'] as const;
export type PermissionAction = (typeof PERMISSION_ACTIONS)[number];

/** A grant: one action on one collection for one role (null: everyone, guests included). */
export interface Permission extends SystemItem {
  role: string | null;
  collection: string;
  action: PermissionAction;
  /** A filter the records must match; '' lets every record through. */
  rule: string;
  /** The fields read or written through this grant; null means all. */
  fields: string[] | null;
  /** Values a create through this grant starts from. */
  presets: Record<string, unknown>;
  updated: string;
}

export const rolesTable: SystemTable<Role> = {
  context: 'roles',
  table: ROLES,
  fromRow: (row) => ({
    id: String(row.id),
    name: String(row.name),
    description: String(row.description),
    adminAccess: Number(row.adminAccess) === 1,
    created: String(row.created),
    updated: String(row.updated),
  }),
  toRow: ({ users: _derived, ...role }) => ({ ...role, adminAccess: role.adminAccess ? 1 : 0 }),
};

export const permissionsTable: SystemTable<Permission> = {
  context: 'permissions',
  table: PERMISSIONS,
  fromRow: (row) => ({
    id: String(row.id),
    role: row.role === null ? null : String(row.role),
    collection: String(row.collection),
    action: String(row.action) as PermissionAction,
    rule: String(row.rule),
    fields: parseJson<string[] | null>(row.fields, null),
    presets: parseJson<Record<string, unknown>>(row.presets, {}),
    created: String(row.created),
    updated: String(row.updated),
  }),
  toRow: (permission) => ({
    ...permission,
    fields: permission.fields === null ? null : JSON.stringify(permission.fields),
    presets: JSON.stringify(permission.presets),
  }),
};

export const rolesShape = tableShape(ROLES, {
  id: 'text',
  name: 'text',
  description: 'text',
  adminAccess: 'bool',
  created: 'text',
  updated: 'text',
});

export const permissionsShape = tableShape(PERMISSIONS, {
  id: 'text',
  role: 'text',
  collection: 'text',
  action: 'text',
  rule: 'text',
  created: 'text',
  updated: 'text',
});

/** Of `ids`, those that name no role. */
export async function unknownRoleIds(executor: Kysely<any>, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await executor.selectFrom(ROLES).select('id').where('id', 'in', ids).execute();
  const found = new Set(rows.map((row) => String(row.id)));
  return ids.filter((id) => !found.has(id));
}
