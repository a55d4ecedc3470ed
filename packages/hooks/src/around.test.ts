import { describe, expect, it } from 'vitest';
import { OperationRolledBack, OperationSkipped } from './around.ts';
import { Catalogue, type CatalogueRow } from './catalogue.ts';
import { InvalidPayloadError } from './errors.ts';
import { createHooks } from './hooks.ts';
import type { Logger } from './logger.ts';
import { isStopped } from './stopped.ts';

const rows = [
  { name: 'records.create', kinds: ['filter', 'action'], description: 'A record is created.' },
  { name: 'records.view', kinds: ['filter'], description: 'A record is read.' },
] as const satisfies readonly CatalogueRow[];

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function engine() {
  return createHooks({ catalogue: new Catalogue(rows), logger: quiet });
}

/** One operation as the server runs it: filters, then (in a scope) the write and its action. */
async function operation(hooks: ReturnType<typeof engine>, payload: object, commit = true) {
  const scope = hooks.scope();
  const ctx = { scope, state: {} };
  const outcome = await hooks.runFilter('records.create', payload, {}, ctx);
  if (isStopped(outcome)) {
    scope.rollback();
    return { stopped: true };
  }
  hooks.runAction('records.create', { record: { id: 'r1', ...(outcome as object) } }, ctx);
  if (commit) scope.commit();
  else scope.rollback();
  return { payload: outcome };
}

describe('around handlers', () => {
  it('runs the code before next() among the filters and resumes after the commit with the action meta', async () => {
    const hooks = engine();
    const order: string[] = [];
    const seen: unknown[] = [];
    hooks.filter('records.create', () => {
      order.push('filter 1');
    });
    hooks.around('records.create', async (payload: any, _meta, _ctx, next) => {
      order.push('around before');
      const committed = await next({ ...payload, title: 'changed' });
      order.push('around after');
      seen.push(committed);
    });
    hooks.filter('records.create', (payload: any) => {
      order.push(`filter 2 sees ${payload.title}`);
    });
    hooks.action('records.create', () => {
      order.push('action');
    });
    const result = await operation(hooks, { title: 'given' });
    expect(result.payload).toEqual({ title: 'changed' });
    await hooks.drain();
    expect(order).toEqual(['filter 1', 'around before', 'filter 2 sees changed', 'action', 'around after']);
    expect(seen).toEqual([{ record: { id: 'r1', title: 'changed' } }]);
  });

  it('aborts the operation with OperationSkipped when next() is never called, and with the throw when the code before it throws', async () => {
    const hooks = engine();
    const earlier: unknown[] = [];
    const ran: string[] = [];
    hooks.around('records.create', async (_p, _m, _c, next) => {
      await next().catch((error: unknown) => earlier.push(error));
    });
    const unregister = hooks.around('records.create', () => {});
    hooks.filter('records.create', () => {
      ran.push('later filter');
    });
    hooks.action('records.create', () => {
      ran.push('action');
    });
    await expect(operation(hooks, {})).rejects.toBeInstanceOf(OperationSkipped);
    // the filter after the handler did not run, nor did the action
    expect(ran).toEqual([]);
    unregister();
    const unregisterAsync = hooks.around('records.create', async () => {});
    await expect(operation(hooks, {})).rejects.toBeInstanceOf(OperationSkipped);
    unregisterAsync();
    hooks.around('records.create', () => {
      throw new InvalidPayloadError('no');
    });
    await expect(operation(hooks, {})).rejects.toThrow('no');
    await hooks.drain();
    // the filter is now before the handlers registered later, so it ran in those operations
    expect(ran).toEqual(['later filter', 'later filter']);
    // the handler that did call next() learns the operation did not take place
    expect(earlier.map((error) => (error as Error).name)).toEqual([
      'OperationSkipped',
      'OperationSkipped',
      'InvalidPayloadError',
    ]);
  });

  it('rejects next() when the operation rolls back or a later filter throws', async () => {
    const hooks = engine();
    const errors: unknown[] = [];
    hooks.around('records.create', async (_p, _m, _c, next) => {
      await next().catch((error: unknown) => errors.push(error));
    });
    await operation(hooks, {}, false);
    const unregister = hooks.filter('records.create', () => {
      throw new InvalidPayloadError('later');
    });
    await expect(operation(hooks, {})).rejects.toThrow('later');
    unregister();
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors[0]).toBeInstanceOf(OperationRolledBack);
    expect((errors[1] as Error).message).toBe('later');
  });

  it('resolves next() with the final payload on an event without an action, synchronously when the handler is', () => {
    const hooks = engine();
    let after: unknown;
    hooks.around('records.view', (_p, _m, _c, next) => {
      next().then((value) => {
        after = value;
      });
    });
    hooks.filter('records.view', () => ({ id: 'final' }));
    const outcome = hooks.runFilter('records.view', { id: 'given' }, {}, { state: {} });
    expect(outcome).toEqual({ id: 'final' });
    return Promise.resolve().then(() => expect(after).toEqual({ id: 'final' }));
  });

  it('is listed once, as an around, and reports a throw after next() as a hook failure', async () => {
    const hooks = engine();
    const failures: unknown[] = [];
    hooks.action('hook.error', (meta: any) => {
      failures.push(meta.error);
    });
    hooks.around(
      'records.create',
      async (_p, _m, _c, next) => {
        await next();
        throw new Error('after commit');
      },
      { owner: 'ext' },
    );
    expect(hooks.registrations().filter((r) => r.owner === 'ext')).toMatchObject([
      { kind: 'around', event: 'records.create' },
    ]);
    await operation(hooks, {});
    await new Promise((resolve) => setImmediate(resolve));
    await hooks.drain();
    expect((failures[0] as Error).message).toBe('after commit');
  });
});

describe('around handlers that do not await next()', () => {
  it('leave no unhandled rejection when the operation rolls back', async () => {
    const hooks = engine();
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      hooks.around('records.create', (_p, _m, _c, next) => {
        next();
      });
      await operation(hooks, {}, false);
      await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      process.off('unhandledRejection', listener);
    }
    expect(unhandled).toEqual([]);
  });
});
