import type { HookContext } from '../context.ts';
import type { App } from './types.ts';

/**
 * Runs a write in a transaction with an action scope: filters inside `fn` see `ctx.database`
 * as the transaction, actions wait for the commit and vanish on rollback. Called with a
 * context that already holds a transaction (a hook calling a service), it joins it.
 */
export async function inTransaction<T>(
  app: App,
  ctx: HookContext,
  fn: (tx: HookContext) => Promise<T>,
): Promise<T> {
  if (ctx.database.isTransaction) {
    const scope = app.hooks.scope(ctx.scope);
    try {
      const result = await fn({ ...ctx, scope });
      scope.commit();
      return result;
    } catch (error) {
      scope.rollback();
      throw error;
    }
  }
  const scope = app.hooks.scope();
  try {
    const result = await app.database.transaction((trx) => fn({ ...ctx, database: trx, scope }));
    scope.commit();
    return result;
  } catch (error) {
    scope.rollback();
    throw error;
  }
}
