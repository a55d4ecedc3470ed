import { ForbiddenError, NotFoundError, UnauthorizedError } from '@sluice/hooks';
import { type Expression, expressionBuilder, type SqlBool } from 'kysely';
import { grantsOf } from '../access/grants.ts';
import type { Core } from '../app/core.ts';
import { inTransaction } from '../app/transaction.ts';
import type { Accountability, HookContext } from '../context.ts';
import { nowDate } from '../records/dates.ts';
import type { ListQuery } from '../records/query.ts';
import {
  createItem,
  deleteItems,
  findItem,
  invalidField,
  type SystemItem,
  updateItem,
} from '../writes/system-items.ts';
import { listItems } from '../writes/system-list.ts';
import { PRESETS, type Preset, presetsShape, presetsTable } from './store.ts';

type Body = Record<string, unknown>;
const TEXT_FIELDS = ['name', 'filter', 'sort', 'fields'] as const;

/**
 * `/api/presets`: saved list queries. A user reads their own presets, their roles' and the
 * global ones, and changes only their own; superusers see and change every preset, and alone
 * save presets for a role or for everyone.
 */
export class PresetsService {
  constructor(private readonly core: Core) {}

  list(query: Pick<ListQuery, 'page' | 'perPage' | 'filter' | 'sort'>, ctx: HookContext) {
    return listItems(
      this.core.database.reader,
      this.core.database.dialect,
      presetsShape,
      query,
      presetsTable.fromRow,
      this.#readable(ctx.accountability),
    );
  }

  async view(id: string, ctx: HookContext): Promise<Preset> {
    const preset = await findItem(this.core.database.reader, presetsTable, id);
    if (!this.#canRead(preset, ctx.accountability)) throw new NotFoundError(`Missing presets item "${id}".`);
    return preset;
  }

  async create(body: Body, ctx: HookContext): Promise<Preset> {
    const who = signedIn(ctx.accountability);
    return inTransaction(this.core, ctx, (tx) =>
      createItem(this.core, tx, presetsTable, body, (input, base) =>
        this.#build(input, undefined, base, who),
      ),
    );
  }

  async update(id: string, body: Body, ctx: HookContext): Promise<Preset> {
    const who = signedIn(ctx.accountability);
    return inTransaction(this.core, ctx, async (tx) => {
      const current = await this.#ownOrAny(tx, id, who);
      return updateItem(this.core, tx, presetsTable, current, body, (input) =>
        this.#build(input, current, { id, created: current.created, updated: nowDate() }, who),
      );
    });
  }

  async delete(id: string, ctx: HookContext): Promise<void> {
    const who = signedIn(ctx.accountability);
    return inTransaction(this.core, ctx, async (tx) => {
      await deleteItems(this.core, tx, presetsTable, [await this.#ownOrAny(tx, id, who)]);
    });
  }

  async #ownOrAny(tx: HookContext, id: string, who: Accountability): Promise<Preset> {
    const preset = await findItem(tx.database, presetsTable, id);
    if (who.admin || preset.user === who.user) return preset;
    if (this.#canRead(preset, who))
      throw new ForbiddenError('Only its owner or a superuser can change a preset.');
    throw new NotFoundError(`Missing presets item "${id}".`);
  }

  #roleIds(who: Accountability): string[] {
    return grantsOf(this.core.schema)
      .rolesOf(who)
      .map((role) => role.id);
  }

  #canRead(preset: Preset, who: Accountability): boolean {
    if (who.admin) return true;
    if (preset.user !== null) return preset.user === who.user;
    return preset.role === null || this.#roleIds(who).includes(preset.role);
  }

  #readable(who: Accountability): Expression<SqlBool> | undefined {
    if (who.admin) return undefined;
    const eb = expressionBuilder<any, any>();
    const user = eb.ref(`${PRESETS}.user`);
    const role = eb.ref(`${PRESETS}.role`);
    const roles = this.#roleIds(who);
    return eb.or([
      ...(who.user === null ? [] : [eb(user, '=', who.user)]),
      eb.and([eb(user, 'is', null), eb(role, 'is', null)]),
      ...(roles.length === 0 ? [] : [eb.and([eb(user, 'is', null), eb(role, 'in', roles)])]),
    ]);
  }

  #build(
    input: Body,
    current: Preset | undefined,
    base: SystemItem & { updated: string },
    who: Accountability,
  ): Preset {
    for (const key of Object.keys(input))
      if (![...TEXT_FIELDS, 'collection', 'perPage', 'user', 'role'].includes(key))
        throw invalidField(key, 'Unknown field.');
    const collectionName = input.collection ?? current?.collection;
    const collection = typeof collectionName === 'string' ? this.core.schema.get(collectionName) : undefined;
    if (!collection) throw invalidField('collection', 'Must be an existing collection.');
    const text = Object.fromEntries(
      TEXT_FIELDS.map((field) => {
        const value = input[field] ?? current?.[field] ?? '';
        if (typeof value !== 'string') throw invalidField(field, 'Must be a string.');
        return [field, value];
      }),
    ) as Record<(typeof TEXT_FIELDS)[number], string>;
    const perPage = input.perPage ?? current?.perPage ?? 30;
    if (!Number.isInteger(perPage) || (perPage as number) < 1 || (perPage as number) > 1000)
      throw invalidField('perPage', 'Must be a whole number from 1 to 1000.');
    if (!who.admin && (input.user !== undefined || input.role !== undefined))
      throw new ForbiddenError('Only superusers can save presets for others, a role or everyone.');
    const owner = ownerOf(input, current, who);
    return { ...base, ...owner, collection: collection.name, ...text, perPage: perPage as number };
  }
}

/** Whom a preset belongs to: a superuser may name a user (of an auth collection), a role, or nobody (everyone). */
function ownerOf(input: Body, current: Preset | undefined, who: Accountability) {
  if (!current && !who.admin) return { user: who.user, userCollection: who.collection, role: null };
  const user = input.user === undefined ? (current?.user ?? null) : input.user;
  const role = input.role === undefined ? (current?.role ?? null) : input.role;
  if (user !== null && typeof user !== 'string') throw invalidField('user', 'Must be a user id or null.');
  if (role !== null && typeof role !== 'string') throw invalidField('role', 'Must be a role id or null.');
  const userCollection =
    user === null ? null : input.user === undefined ? (current?.userCollection ?? null) : null;
  return { user: user || null, userCollection, role: role || null };
}

function signedIn(who: Accountability): Accountability {
  if (who.user === null && !who.admin) throw new UnauthorizedError('Presets belong to signed-in users.');
  return who;
}
