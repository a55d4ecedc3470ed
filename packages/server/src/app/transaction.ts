import type { ActionScope, Hooks } from '@sluice/hooks';
import type { Kysely } from 'kysely';
import { type HookContext, isSluiceOwner } from '../context.ts';
import { callerOf } from '../http/caller.ts';
import type { Core } from './core.ts';

/**
 * The action scope of an open transaction, kept on the transaction so that a call given only
 * `{ database }` finds it (not in a WeakMap: see db/compiled.ts).
 */
const SCOPE = Symbol('sluice.scope');

type WithScope = Kysely<any> & { [SCOPE]?: ActionScope };

/**
 * Runs a write in a transaction with an action scope: filters inside `fn` see `ctx.database`
 * as the transaction, actions wait for the commit and vanish on rollback. Called with a
 * context that already holds a transaction (a hook calling a service), it joins it: its
 * actions then wait for that outer transaction's commit.
 */
export async function inTransaction<T>(
  app: Core,
  ctx: HookContext,
  fn: (tx: HookContext) => Promise<T>,
): Promise<T> {
  if (ctx.database.isTransaction) {
    const scope = app.hooks.scope(ctx.scope ?? (ctx.database as WithScope)[SCOPE]);
    try {
      const result = await fn({ ...ctx, scope });
      scope.commit();
      return result;
    } catch (error) {
      await scope.rollback();
      throw error;
    }
  }
  const scope = app.hooks.scope();
  try {
    const result = await app.database.transaction(
      (trx) => {
        (trx as WithScope)[SCOPE] = scope;
        return fn({ ...ctx, database: trx, scope });
      },
      { caller: callerOf(ctx.request) },
    );
    scope.commit();
    return result;
  } catch (error) {
    await scope.rollback();
    throw error;
  }
}

/**
 * Whether an app's or extension's filter is registered: such code runs inside transactions and
 * may open one of its own without handing the open one on (a service called without its
 * context), which must then join it. Sluice's own filters always hand it on. Feeds the
 * database's `scopeTransactionsWhen`.
 */
export function filtersMayNestTransactions(hooks: Pick<Hooks, 'registrations' | 'onChange'>): () => boolean {
  let answer: boolean | undefined;
  hooks.onChange(() => {
    answer = undefined;
  });
  return () =>
    (answer ??= hooks
      .registrations()
      .some(
        (registration) =>
          (registration.kind === 'filter' || registration.kind === 'around') &&
          !isSluiceOwner(registration.owner),
      ));
}
