import type { Kysely } from 'kysely';
import type { Core } from '../app/core.ts';
import { inTransaction } from '../app/transaction.ts';
import { announce } from '../cluster/announce.ts';
import { isRolesField, ROLES_FIELD } from '../collections/fields.ts';
import type { Collection } from '../collections/types.ts';
import type { HookContext } from '../context.ts';
import { compileFilter } from '../filter/index.ts';
import { isJsonObject } from '../json.ts';
import { nowDate } from '../records/dates.ts';
import { roleIdsOf } from '../records/encoding.ts';
import { updateRecord } from '../records/operations/update.ts';
import type { ListQuery } from '../records/query.ts';
import { collectionLookup } from '../records/rules.ts';
import {
  createItem,
  deleteItems,
  findItem,
  invalidField,
  parseJson,
  type SystemItem,
  type SystemTable,
  updateItem,
} from '../writes/system-items.ts';
import { listItems } from '../writes/system-list.ts';
import { grantsOf } from './grants.ts';
import {
  PERMISSION_ACTIONS,
  PERMISSIONS,
  type Permission,
  type PermissionAction,
  permissionsShape,
  permissionsTable,
  ROLES,
  type Role,
  rolesShape,
  rolesTable,
} from './store.ts';

type Page = Pick<ListQuery, 'page' | 'perPage' | 'filter' | 'sort'>;
type Body = Record<string, unknown>;

function stringList(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string'))
    throw invalidField(field, 'Must be a list of strings.');
  return [...new Set(value as string[])];
}

/** CRUD of one access table, the grants reloaded (here and on the other instances) after each change. */
abstract class AccessTable<T extends SystemItem & { updated: string }> {
  constructor(
    protected readonly core: Core,
    private readonly table: SystemTable<T>,
    private readonly shape: Parameters<typeof listItems>[2],
  ) {}

  async list(query: Page) {
    const page = await listItems(
      this.core.database.reader,
      this.core.database.dialect,
      this.shape,
      query,
      this.table.fromRow,
    );
    return { ...page, items: await this.shown(page.items) };
  }

  async view(id: string): Promise<T> {
    const [item] = await this.shown([await findItem(this.core.database.reader, this.table, id)]);
    return item;
  }

  /** The items as the API answers with them (what is derived from other tables added). */
  protected shown(items: T[]): Promise<T[]> {
    return Promise.resolve(items);
  }

  /** Checks the input and makes the item; `tx` is the write's transaction, to look up what it names. */
  protected abstract build(
    input: Body,
    current: T | undefined,
    base: SystemItem & { updated: string },
    tx: HookContext,
  ): T | Promise<T>;

  async create(body: Body, ctx: HookContext): Promise<T> {
    const created = await inTransaction(this.core, ctx, (tx) =>
      createItem(this.core, tx, this.table, body, (input, base) => this.build(input, undefined, base, tx)),
    );
    await this.#changed();
    return (await this.shown([created]))[0];
  }

  async update(id: string, body: Body, ctx: HookContext): Promise<T> {
    const updated = await inTransaction(this.core, ctx, async (tx) => {
      const current = await findItem(tx.database, this.table, id);
      return updateItem(this.core, tx, this.table, current, body, (input) =>
        this.build(input, current, { id: current.id, created: current.created, updated: nowDate() }, tx),
      );
    });
    await this.#changed();
    return (await this.shown([updated]))[0];
  }

  async delete(id: string, ctx: HookContext): Promise<void> {
    await inTransaction(this.core, ctx, async (tx) => {
      await this.deleting(tx, await findItem(tx.database, this.table, id));
    });
    await this.#changed();
  }

  protected async deleting(tx: HookContext, item: T): Promise<void> {
    await deleteItems(this.core, tx, this.table, [item]);
  }

  async #changed(): Promise<void> {
    await grantsOf(this.core.schema).reload(this.core.database.db);
    await announce(this.core, 'access');
  }
}

/**
 * `/api/roles`: named groups of auth records (docs/activity.md). Who belongs to a role is the
 * auth records' `roles` field; a role's `users` in answers is derived from it, read-only.
 */
export class RolesService extends AccessTable<Role> {
  constructor(core: Core) {
    super(core, rolesTable, rolesShape);
  }

  protected build(input: Body, current: Role | undefined, base: SystemItem & { updated: string }): Role {
    if ('users' in input)
      throw invalidField('users', `Members are set through the auth records' "${ROLES_FIELD}" field.`);
    for (const key of Object.keys(input))
      if (!['name', 'description', 'adminAccess'].includes(key)) throw invalidField(key, 'Unknown field.');
    const name = input.name ?? current?.name;
    if (typeof name !== 'string' || !/^\S.{0,99}$/.test(name))
      throw invalidField('name', 'Must be 1 to 100 characters.');
    const description = input.description ?? current?.description ?? '';
    if (typeof description !== 'string') throw invalidField('description', 'Must be a string.');
    const adminAccess = input.adminAccess ?? current?.adminAccess ?? false;
    if (typeof adminAccess !== 'boolean') throw invalidField('adminAccess', 'Must be a boolean.');
    return { ...base, name, description, adminAccess };
  }

  /** Each role with `users`: the ids of the auth records whose `roles` field holds it. */
  protected override async shown(roles: Role[]): Promise<Role[]> {
    if (roles.length === 0) return roles;
    const members = new Map<string, string[]>(roles.map((role) => [role.id, []]));
    for (const collection of authCollections(this.core))
      for (const { id, roles: ids } of await membersOf(this.core.database.reader, collection))
        for (const roleId of ids) members.get(roleId)?.push(id);
    return roles.map((role) => ({ ...role, users: members.get(role.id) ?? [] }));
  }

  /**
   * A role goes with the permissions granted to it, and out of the `roles` field of its members
   * (each a `records.update`, in the same transaction).
   */
  protected override async deleting(tx: HookContext, role: Role): Promise<void> {
    const permissions = (
      await tx.database.selectFrom(PERMISSIONS).selectAll().where('role', '=', role.id).execute()
    ).map(permissionsTable.fromRow);
    if (permissions.length > 0) await deleteItems(this.core, tx, permissionsTable, permissions);
    const system = { ...tx, accountability: { ...tx.accountability, admin: true } };
    for (const collection of authCollections(this.core))
      for (const member of await membersOf(tx.database, collection, role.id))
        await updateRecord(
          this.core,
          collection,
          member.id,
          { [ROLES_FIELD]: member.roles.filter((id) => id !== role.id) },
          system,
        );
    await super.deleting(tx, role);
  }
}

function authCollections(core: Core): Collection[] {
  return core.schema
    .all()
    .filter((collection) => collection.type === 'auth' && collection.fields.some(isRolesField));
}

/** The records of an auth collection that have roles (that have `roleId`, when given). */
async function membersOf(
  executor: Kysely<any>,
  collection: Collection,
  roleId?: string,
): Promise<{ id: string; roles: string[] }[]> {
  let select = executor
    .selectFrom(collection.name)
    .select(['id', ROLES_FIELD])
    .where(ROLES_FIELD, 'is not', null)
    .where(ROLES_FIELD, '!=', '[]');
  // role ids are letters and digits: no LIKE wildcard to escape
  if (roleId !== undefined) select = select.where(ROLES_FIELD, 'like', `%"${roleId}"%`);
  const members = (await select.execute()).map((row) => ({
    id: String(row.id),
    roles: roleIdsOf(parseJson<unknown>(row[ROLES_FIELD], [])),
  }));
  return roleId === undefined ? members : members.filter((member) => member.roles.includes(roleId));
}

/** `/api/permissions`: grants of one action on one collection to a role or to everyone. */
export class PermissionsService extends AccessTable<Permission> {
  constructor(core: Core) {
    super(core, permissionsTable, permissionsShape);
  }

  protected async build(
    input: Body,
    current: Permission | undefined,
    base: SystemItem & { updated: string },
    tx: HookContext,
  ): Promise<Permission> {
    for (const key of Object.keys(input))
      if (!['role', 'collection', 'action', 'rule', 'fields', 'presets'].includes(key))
        throw invalidField(key, 'Unknown field.');
    const role = input.role === undefined ? (current?.role ?? null) : input.role === '' ? null : input.role;
    if (role !== null && typeof role !== 'string') throw invalidField('role', 'Must be a role id or null.');
    if (
      role !== null &&
      !(await tx.database.selectFrom(ROLES).select('id').where('id', '=', role).executeTakeFirst())
    )
      throw invalidField('role', 'Must be an existing role id, or null for everyone.');
    const collectionName = input.collection ?? current?.collection;
    const collection =
      typeof collectionName === 'string' ? collectionLookup(this.core.schema)(collectionName) : undefined;
    if (!collection) throw invalidField('collection', 'Must be an existing collection.');
    const action = input.action ?? current?.action;
    if (!PERMISSION_ACTIONS.includes(action as PermissionAction))
      throw invalidField('action', `Must be one of ${PERMISSION_ACTIONS.join(', ')}.`);
    const rule = input.rule ?? current?.rule ?? '';
    if (typeof rule !== 'string') throw invalidField('rule', 'Must be a filter expression or empty.');
    if (rule.trim() !== '') {
      try {
        compileFilter(rule, {
          dialect: this.core.database.dialect,
          collection,
          getCollection: collectionLookup(this.core.schema),
          auth: null,
          allowHiddenFields: true,
        });
      } catch (error) {
        throw invalidField('rule', (error as Error).message);
      }
    }
    const fields =
      input.fields === undefined
        ? (current?.fields ?? null)
        : input.fields === null
          ? null
          : stringList(input.fields, 'fields');
    const unknownField = fields?.find((name) => !collection.fields.some((field) => field.name === name));
    if (unknownField !== undefined) throw invalidField('fields', `Unknown field "${unknownField}".`);
    const presets = input.presets ?? current?.presets ?? {};
    if (!isJsonObject(presets)) throw invalidField('presets', 'Must be an object of field values.');
    return {
      ...base,
      role,
      collection: collection.name,
      action: action as PermissionAction,
      rule,
      fields,
      presets,
    };
  }
}
