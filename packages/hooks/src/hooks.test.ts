import { Cron } from 'croner';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Catalogue, type CatalogueRow, type EventMapOf, types } from './catalogue.ts';
import {
  EventUnavailableError,
  exceptions,
  ForbiddenError,
  HookError,
  HookTimeoutError,
  InvalidPayloadError,
  kerror,
  ServiceUnavailableError,
  UnknownEventError,
} from './errors.ts';
import { createHooks, type HooksOptions } from './hooks.ts';
import type { Logger } from './logger.ts';
import { FilterStopped } from './stopped.ts';

const rows = [
  {
    name: 'records.create',
    kinds: ['filter', 'action'],
    description: 'A record is created.',
    tags: 'collection name and id',
    types: types<{ title?: string; [key: string]: unknown }, { collection: string }>(),
  },
  { name: 'records.update', kinds: ['filter', 'action'], description: 'A record is updated.' },
  { name: 'records.delete', kinds: ['filter', 'action'], description: 'A record is deleted.' },
  { name: 'auth.login', kinds: ['filter', 'action'], description: 'Someone logs in.' },
  { name: 'realtime.message', kinds: ['filter'], description: 'A realtime message is sent.' },
  { name: 'app.before', kinds: ['init'], description: 'The app is built.' },
] as const satisfies readonly CatalogueRow[];

function recordingLogger() {
  const lines: { level: string; details: any; message: string }[] = [];
  const log =
    (level: string) =>
    (details: object, message: string): void => {
      lines.push({ level, details, message });
    };
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  return { logger, lines };
}

function setup(options: HooksOptions = {}) {
  const { logger, lines } = recordingLogger();
  const hooks = createHooks({ catalogue: new Catalogue(rows), logger, ...options });
  return { hooks, lines };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('registration', () => {
  it('checks names against the catalogue, with * for one whole segment', () => {
    const { hooks } = setup();
    expect(() => hooks.filter('records.craete', () => {})).toThrow(UnknownEventError);
    expect(() => hooks.init('records.create', () => {})).toThrow(UnknownEventError);
    expect(() => hooks.filter('records.*', () => {})).not.toThrow();
    expect(() => hooks.action('*.create', () => {})).not.toThrow();
    expect(() => hooks.action('records.create.extra', () => {})).toThrow(UnknownEventError);
  });

  it('refuses events whose feature does not exist yet, naming it; patterns skip them', async () => {
    const hooks = createHooks({
      catalogue: new Catalogue([
        ...rows,
        { name: 'files.create', kinds: ['filter', 'action'], description: '', missingFeature: 'files' },
        { name: 'files.upload', kinds: ['action'], description: '', missingFeature: 'files' },
      ]),
      logger: recordingLogger().logger,
    });
    let refusal: unknown;
    try {
      hooks.action('files.upload', () => {});
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(EventUnavailableError);
    expect(refusal).toMatchObject({
      status: 500,
      code: 'SLUICE_ERR_EVENT_UNAVAILABLE',
      message: '"files.upload" cannot be hooked: Sluice has no files yet.',
    });
    expect(() => hooks.filter('files.*', () => {})).toThrow(
      '"files.*" (files.create) cannot be hooked: Sluice has no files yet.',
    );
    expect(() => hooks.filter('files.upload', () => {})).toThrow(UnknownEventError);

    const created: string[] = [];
    hooks.action('*.create', (meta: { name: string }) => void created.push(meta.name));
    expect(hooks.registrations().map((registration) => registration.event)).toEqual(['*.create']);
    hooks.runAction('records.create', { name: 'records.create' });
    await hooks.drain();
    expect(created).toEqual(['records.create']);
  });

  it('returns a handle that unregisters', () => {
    const { hooks } = setup();
    const calls: string[] = [];
    const off = hooks.filter('records.create', () => {
      calls.push('a');
    });
    hooks.runFilter('records.create', {}, { collection: 'posts' });
    off();
    hooks.runFilter('records.create', {}, { collection: 'posts' });
    expect(calls).toEqual(['a']);
  });

  it('removes all of one owner’s hooks and schedules at once', () => {
    const { hooks } = setup({ cron: (expression, run) => new Cron(expression, { paused: true }, run) });
    const calls: string[] = [];
    hooks.filter('records.create', () => void calls.push('ext'), { owner: 'ext' });
    hooks.filter('records.create', () => void calls.push('other'), { owner: 'other' });
    hooks.schedule('* * * * *', () => {}, { owner: 'ext' });
    expect(hooks.unregisterOwner('ext')).toBe(2);
    hooks.runFilter('records.create', {}, { collection: 'posts' });
    expect(calls).toEqual(['other']);
    expect(hooks.schedules()).toHaveLength(0);
  });

  it('lists registrations with owner, kind, event, tags and priority', () => {
    const { hooks } = setup();
    hooks.filter('records.create', () => {}, { owner: 'ext', tags: ['posts'], priority: 5 });
    expect(hooks.registrations()).toEqual([
      {
        id: expect.any(Number),
        kind: 'filter',
        event: 'records.create',
        tags: ['posts'],
        priority: 5,
        owner: 'ext',
      },
    ]);
  });

  it('works without a catalogue for any valid name', () => {
    const hooks = createHooks();
    hooks.filter('anything.goes', () => 1);
    expect(hooks.runFilter('anything.goes', 0, {})).toBe(1);
  });
});

describe('types', () => {
  it('types handlers from the catalogue table by event name', () => {
    const hooks = createHooks<EventMapOf<typeof rows>>({ catalogue: new Catalogue(rows) });
    hooks.filter('records.create', (payload, meta) => {
      const title: string | undefined = payload.title;
      const collection: string = meta.collection;
      // @ts-expect-error meta has no such field
      meta.nope;
      return { ...payload, title: `${title}:${collection}` };
    });
    expect(hooks.runFilter('records.create', { title: 'a' }, { collection: 'posts' })).toEqual({
      title: 'a:posts',
    });
  });
});

describe('filters', () => {
  it('lets a returned value replace the payload and undefined keep it (seed 003)', async () => {
    const { hooks } = setup();
    hooks.filter('records.create', (input) => ({ ...input, syncedWithExample: true }));
    hooks.filter('records.create', () => undefined);
    hooks.filter('records.create', async (input) => ({ ...input, title: `${input.title}!` }));
    const outcome = await hooks.runFilter('records.create', { title: 'hi' }, { collection: 'recipes' });
    expect(outcome).toEqual({ title: 'hi!', syncedWithExample: true });
  });

  it('aborts on a typed exception and passes it through as is (seed 003)', async () => {
    const { hooks } = setup();
    const later = vi.fn();
    hooks.filter('records.create', async () => {
      throw new exceptions.InvalidPayloadException('title is required');
    });
    hooks.filter('records.create', later);
    const error = await Promise.resolve(hooks.runFilter('records.create', {}, { collection: 'x' })).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(InvalidPayloadError);
    expect(error.status).toBe(400);
    expect(error.code).toBe('SLUICE_ERR_INVALID_PAYLOAD');
    expect(error.message).toBe('title is required');
    expect(later).not.toHaveBeenCalled();
  });

  it('wraps an unknown error in HookError without leaking it, and logs who threw', () => {
    const { hooks, lines } = setup();
    hooks.filter(
      'records.create',
      () => {
        throw new Error('db password is hunter2');
      },
      { owner: 'leaky' },
    );
    let caught: any;
    try {
      hooks.runFilter('records.create', {}, { collection: 'x' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(HookError);
    expect(caught.status).toBe(500);
    expect(caught.code).toBe('SLUICE_ERR_HOOK');
    expect(JSON.stringify(caught.toJSON())).not.toContain('hunter2');
    expect(caught.extension).toBe('leaky');
    expect(lines.find((line) => line.level === 'error')?.details).toMatchObject({
      extension: 'leaky',
      event: 'records.create',
    });
  });

  it('stops the chain when a handler returns false and tells the caller (seed 004)', () => {
    const { hooks } = setup();
    const after = vi.fn();
    hooks.filter('realtime.message', () => false);
    hooks.filter('realtime.message', after);
    const outcome = hooks.runFilter('realtime.message', { text: 'x' }, {});
    expect(outcome).toBeInstanceOf(FilterStopped);
    expect((outcome as FilterStopped).payload).toEqual({ text: 'x' });
    expect(after).not.toHaveBeenCalled();
  });

  it('runs only registrations whose tags the event carries (seed 004)', () => {
    const { hooks } = setup();
    const seen: string[] = [];
    hooks.filter('records.create', () => void seen.push('users or members'), { tags: ['users', 'members'] });
    hooks.filter('records.create', () => void seen.push('everything'));
    hooks.runFilter('records.create', {}, { collection: 'posts' }, undefined, ['posts', 'pbc_1']);
    hooks.runFilter('records.create', {}, { collection: 'members' }, undefined, ['members', 'pbc_2']);
    expect(seen).toEqual(['everything', 'users or members', 'everything']);
  });

  it('completes an all-synchronous chain synchronously, without a microtask', () => {
    const { hooks } = setup();
    hooks.filter('records.create', (input) => ({ ...input, a: 1 }));
    hooks.filter('records.create', (input) => ({ ...input, b: 2 }));
    const outcome = hooks.runFilter('records.create', {}, { collection: 'x' });
    expect(outcome).not.toBeInstanceOf(Promise);
    expect(outcome).toEqual({ a: 1, b: 2 });
  });

  it('returns the payload unchanged, synchronously, when nobody listens', () => {
    const { hooks } = setup();
    const payload = { title: 'x' };
    const outcome = hooks.runFilter('records.update', payload, {});
    expect(outcome).toBe(payload);
    expect(hooks.listens('filter', 'records.update')).toBe(false);
  });

  it('orders by priority, then registration order', () => {
    const { hooks } = setup();
    const order: string[] = [];
    hooks.filter('records.create', () => void order.push('b0'));
    hooks.filter('records.create', () => void order.push('c10'), { priority: 10 });
    hooks.filter('records.create', () => void order.push('a-5'), { priority: -5 });
    hooks.filter('records.*', () => void order.push('d0'));
    hooks.runFilter('records.create', {}, { collection: 'x' });
    expect(order).toEqual(['a-5', 'b0', 'd0', 'c10']);
  });

  it('passes meta and context to every handler', () => {
    const { hooks } = setup();
    const ctx = { state: { n: 0 } };
    hooks.filter('records.create', (_payload, meta, context) => {
      expect(meta).toEqual({ collection: 'posts' });
      context.state.n++;
    });
    hooks.runFilter('records.create', {}, { collection: 'posts' }, ctx);
    expect(ctx.state.n).toBe(1);
  });

  it('warns when a filter is slower than warnMs, naming extension and event (seed 001)', async () => {
    const { hooks, lines } = setup({ warnMs: 20 });
    // the filter runs until warned about, however late the watchdog's sweeps come on a busy machine
    const warned = async () => {
      while (!lines.some((line) => line.level === 'warn')) await sleep(10);
    };
    hooks.filter('records.create', warned, { owner: 'slowpoke' });
    await hooks.runFilter('records.create', {}, { collection: 'x' });
    const warning = lines.find((line) => line.level === 'warn');
    expect(warning?.details).toMatchObject({ extension: 'slowpoke', event: 'records.create' });
    expect(warning?.message).toContain('slowpoke');
  });

  it('aborts a chain longer than timeoutMs with a 504-class error', async () => {
    const { hooks } = setup({ timeoutMs: 50 });
    const after = vi.fn();
    hooks.filter('records.create', () => new Promise(() => {}), { owner: 'stuck' });
    hooks.filter('records.create', after);
    const error = await Promise.resolve(hooks.runFilter('records.create', {}, { collection: 'x' })).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(HookTimeoutError);
    expect(error.status).toBe(504);
    expect(after).not.toHaveBeenCalled();
  });

  it('bounds concurrent async chains and refuses past the queue with 503', async () => {
    const { hooks } = setup({ maxConcurrentFilters: 2, maxQueuedFilters: 1 });
    const releases: Array<() => void> = [];
    let running = 0;
    let peak = 0;
    hooks.filter('records.create', async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise<void>((resolve) => releases.push(resolve));
      running--;
    });
    const first = hooks.runFilter('records.create', {}, { collection: 'x' });
    const second = hooks.runFilter('records.create', {}, { collection: 'x' });
    const third = hooks.runFilter('records.create', {}, { collection: 'x' });
    const fourth = Promise.resolve(hooks.runFilter('records.create', {}, { collection: 'x' })).catch(
      (e) => e,
    );
    expect(await fourth).toBeInstanceOf(ServiceUnavailableError);
    while (releases.length < 2) await sleep(1);
    expect(running).toBe(2);
    releases.shift()!();
    while (releases.length < 2) await sleep(1);
    releases.shift()!();
    releases.shift()!();
    await Promise.all([first, second, third]);
    expect(peak).toBe(2);
  });

  it('takes no concurrency slot for a chain whose async handlers are for other tags', async () => {
    const { hooks } = setup({ maxConcurrentFilters: 1, maxQueuedFilters: 1 });
    const releases: Array<() => void> = [];
    hooks.filter(
      'records.create',
      async () => {
        await new Promise<void>((resolve) => releases.push(resolve));
      },
      { tags: ['slow'] },
    );
    hooks.filter('records.create', (payload: { n: number }) => ({ n: payload.n + 1 }));
    const slow = hooks.runFilter('records.create', { n: 0 }, { collection: 'slow' }, undefined, ['slow']);
    const queued = hooks.runFilter('records.create', { n: 0 }, { collection: 'slow' }, undefined, ['slow']);
    expect(hooks.runFilter('records.create', { n: 0 }, { collection: 'fast' }, undefined, ['fast'])).toEqual({
      n: 1,
    });
    for (const chain of [slow, queued]) {
      while (releases.length === 0) await sleep(1);
      releases.shift()!();
      expect(await chain).toEqual({ n: 1 });
    }
  });

  it('gives Kuzzle’s kerror and Directus’ exceptions their statuses (seed 001, 003)', () => {
    expect(new kerror.ForbiddenError('Unauthorized access').status).toBe(403);
    expect(new kerror.BadRequestError().status).toBe(400);
    expect(new exceptions.ServiceUnavailableException(new Error('down')).status).toBe(503);
    expect(new exceptions.ForbiddenException()).toBeInstanceOf(ForbiddenError);
  });
});

describe('actions', () => {
  it('runs after the emitter returns and is not awaited', async () => {
    const { hooks } = setup();
    const calls: string[] = [];
    hooks.action('records.create', async (meta) => {
      calls.push(`action:${meta.collection}`);
    });
    hooks.runAction('records.create', { collection: 'posts' });
    calls.push('emitter returned');
    await hooks.drain();
    expect(calls).toEqual(['emitter returned', 'action:posts']);
  });

  it('re-emits a failure as hook.error with extension, event and error (seed 001 hook:onError)', async () => {
    const { hooks } = setup();
    const failure = new Error('boom');
    const reported: unknown[] = [];
    hooks.action(
      'records.create',
      () => {
        throw failure;
      },
      { owner: 'sync' },
    );
    hooks.action('hook.error', (meta) => void reported.push(meta));
    hooks.runAction('records.create', { collection: 'x' });
    await hooks.drain();
    expect(reported).toEqual([{ extension: 'sync', event: 'records.create', error: failure }]);
  });

  it('only logs a failing hook.error handler: no loop', async () => {
    const { hooks, lines } = setup();
    let errorHandlerCalls = 0;
    hooks.action('records.create', async () => {
      throw new Error('first');
    });
    hooks.action('hook.error', async () => {
      errorHandlerCalls++;
      throw new Error('second');
    });
    hooks.runAction('records.create', { collection: 'x' });
    await hooks.drain();
    expect(errorHandlerCalls).toBe(1);
    expect(lines.filter((line) => line.level === 'error')).toHaveLength(2);
  });

  it('lets * stand for the action and the collection (seed 002 item.*.*)', async () => {
    const { hooks } = setup();
    const seen: string[] = [];
    hooks.action('records.*', (_meta, ctx) => void seen.push(ctx.event));
    for (const event of ['records.create', 'records.update', 'records.delete'] as const) {
      hooks.runAction(event, { collection: 'anything' }, { event }, ['anything']);
    }
    await hooks.drain();
    expect(seen).toEqual(['records.create', 'records.update', 'records.delete']);
  });

  it('holds actions in a scope until commit and drops them on rollback', async () => {
    const { hooks } = setup();
    const seen: string[] = [];
    hooks.action('records.create', (meta) => void seen.push(meta.collection));
    const committed = hooks.scope();
    hooks.runAction('records.create', { collection: 'kept' }, { scope: committed });
    const rolledBack = hooks.scope();
    hooks.runAction('records.create', { collection: 'dropped' }, { scope: rolledBack });
    await hooks.drain();
    expect(seen).toEqual([]);
    rolledBack.rollback();
    committed.commit();
    await hooks.drain();
    expect(seen).toEqual(['kept']);
  });

  it('hands a nested scope’s actions to its parent on commit', async () => {
    const { hooks } = setup();
    const seen: string[] = [];
    hooks.action('records.create', (meta) => void seen.push(meta.collection));
    const outer = hooks.scope();
    const inner = hooks.scope(outer);
    hooks.runAction('records.create', { collection: 'inner' }, { scope: inner });
    inner.commit();
    await hooks.drain();
    expect(seen).toEqual([]);
    outer.rollback();
    await hooks.drain();
    expect(seen).toEqual([]);
  });

  it('runs onCommit callbacks when the outermost scope commits, never after a rollback', () => {
    const { hooks } = setup();
    const ran: string[] = [];
    const outer = hooks.scope();
    const inner = hooks.scope(outer);
    inner.onCommit(() => ran.push('inner'));
    inner.commit();
    expect(ran).toEqual([]);
    outer.commit();
    expect(ran).toEqual(['inner']);
    const dropped = hooks.scope();
    dropped.onCommit(() => ran.push('dropped'));
    dropped.rollback();
    dropped.commit();
    expect(ran).toEqual(['inner']);
  });

  it('runs onRollback callbacks when the scope or an outer one it committed into rolls back', () => {
    const { hooks } = setup();
    const ran: string[] = [];
    const outer = hooks.scope();
    const inner = hooks.scope(outer);
    inner.onRollback(() => void ran.push('inner'));
    inner.commit();
    expect(ran).toEqual([]);
    outer.rollback();
    expect(ran).toEqual(['inner']);
    const kept = hooks.scope();
    kept.onRollback(() => void ran.push('kept'));
    kept.commit();
    kept.rollback();
    const dropped = hooks.scope();
    dropped.onRollback(() => void ran.push('dropped'));
    dropped.rollback();
    dropped.rollback();
    expect(ran).toEqual(['inner', 'dropped']);
  });

  it('runs actions before a loop that never yields to the event loop ends, past a bound', async () => {
    const { hooks } = setup();
    let ran = 0;
    hooks.action('records.create', () => {
      ran++;
    });
    let immediate = false;
    setImmediate(() => {
      immediate = true;
    });
    for (let i = 0; i < 1000; i++) {
      hooks.runAction('records.create', { collection: 'x' });
      await Promise.resolve();
    }
    expect(immediate).toBe(false);
    expect(ran).toBeGreaterThanOrEqual(768);
    await hooks.drain();
    expect(ran).toBe(1000);
  });

  it('drain waits for actions emitted by actions', async () => {
    const { hooks } = setup();
    const seen: string[] = [];
    hooks.action('records.create', async () => {
      await sleep(5);
      hooks.runAction('records.update', {});
    });
    hooks.action('records.update', async () => {
      await sleep(5);
      seen.push('update');
    });
    hooks.runAction('records.create', { collection: 'x' });
    await hooks.drain();
    expect(seen).toEqual(['update']);
  });
});

describe('init', () => {
  it('awaits handlers in order and lets them change the meta object', async () => {
    const { hooks } = setup();
    const app = { routes: [] as string[] };
    hooks.init('app.before', async ({ app }) => {
      await sleep(1);
      app.routes.push('/a');
    });
    hooks.init('app.before', ({ app }) => void app.routes.push('/b'));
    await hooks.runInit('app.before', { app });
    expect(app.routes).toEqual(['/a', '/b']);
  });

  it('reaches the caller with a throw, naming the extension', async () => {
    const { hooks } = setup();
    hooks.init(
      'app.before',
      () => {
        throw new Error('bad config');
      },
      { owner: 'broken' },
    );
    await expect(hooks.runInit('app.before', {})).rejects.toMatchObject({ extension: 'broken' });
  });
});

describe('schedules', () => {
  const cron = (expression: string, run: () => void) => new Cron(expression, { paused: true }, run);
  let stop: (() => void) | undefined;
  afterEach(() => stop?.());

  it('rejects invalid expressions and accepts 5 or 6 fields with names', () => {
    const { hooks } = setup({ cron });
    expect(() => hooks.schedule('nonsense', () => {})).toThrow(/cron/i);
    expect(() => hooks.schedule('* * *', () => {})).toThrow(/5 or 6 fields/);
    expect(() => hooks.schedule('5 4 * * sun', () => {})).not.toThrow();
    expect(() => hooks.schedule('15 14 1 jan *', () => {})).not.toThrow();
    expect(() => hooks.schedule('*/10 * * * * *', () => {})).not.toThrow();
  });

  it('runs on time once started, skips overlapping runs, and reports errors as hook.error', async () => {
    const { hooks } = setup({ cron });
    stop = () => hooks.stop();
    let active = 0;
    let peak = 0;
    const errors: unknown[] = [];
    hooks.action('hook.error', (meta) => void errors.push(meta));
    hooks.schedule(
      '* * * * * *',
      async () => {
        active++;
        peak = Math.max(peak, active);
        await sleep(1_500);
        active--;
        throw new Error('scheduled failure');
      },
      { owner: 'cron-ext' },
    );
    expect(hooks.schedules()[0]!.nextRun).toBeNull();
    hooks.start();
    expect(hooks.schedules()[0]!.nextRun).toBeInstanceOf(Date);
    await sleep(3_200);
    hooks.stop();
    const [info] = hooks.schedules();
    expect(info!.runs).toBeGreaterThanOrEqual(1);
    expect(info!.skipped).toBeGreaterThanOrEqual(1);
    expect(peak).toBe(1);
    await hooks.drain();
    expect(errors[0]).toEqual({
      extension: 'cron-ext',
      event: 'schedule:* * * * * *',
      error: expect.any(Error),
    });
  });
});

describe('running a schedule now', () => {
  const cron = (expression: string, run: () => void) => new Cron(expression, { paused: true }, run);

  it('names each schedule, given a name or from its owner and expression', () => {
    const { hooks } = setup({ cron });
    hooks.schedule('0 3 * * *', () => {}, { owner: 'reports', name: 'nightly' });
    hooks.schedule('0 3 * * *', () => {}, { owner: 'reports' });
    hooks.schedule('0 3 * * *', () => {}, { owner: 'reports' });
    expect(hooks.schedules().map((info) => info.name)).toEqual([
      'nightly',
      'reports|0 3 * * *',
      'reports|0 3 * * *#2',
    ]);
  });

  it('runs one by name, stopped or not, without the lock, and resolves once it has finished', async () => {
    const asked: string[] = [];
    const { hooks } = setup({
      cron,
      scheduleLock: async (key) => {
        asked.push(key);
        return false;
      },
    });
    const runs: string[] = [];
    hooks.schedule(
      '0 0 1 1 *',
      async ({ expression }) => {
        await sleep(10);
        runs.push(expression);
      },
      { owner: 'jobs', name: 'yearly' },
    );
    expect(await hooks.runSchedule('yearly')).toBe(true);
    expect(runs).toEqual(['0 0 1 1 *']);
    expect(asked).toEqual([]);
    expect(hooks.schedules()[0]).toMatchObject({ runs: 1, running: false });
    expect(await hooks.runSchedule('monthly')).toBe(false);
  });

  it('reports a failure of a run asked for as one of a tick', async () => {
    const { hooks } = setup({ cron });
    const errors: unknown[] = [];
    hooks.action('hook.error', (meta) => void errors.push(meta));
    hooks.schedule(
      '0 0 1 1 *',
      () => {
        throw new Error('failed now');
      },
      { owner: 'jobs', name: 'failing' },
    );
    expect(await hooks.runSchedule('failing')).toBe(true);
    await hooks.drain();
    expect(errors).toEqual([{ extension: 'jobs', event: 'schedule:0 0 1 1 *', error: expect.any(Error) }]);
  });
});

describe('schedule locks', () => {
  /** A cron factory whose ticks the test fires by hand. */
  function manualCron() {
    const ticks: Array<() => void> = [];
    const cron = (expression: string, run: () => void) => {
      ticks.push(run);
      const schedule = new Cron(expression, { paused: true });
      return { stop() {}, pause() {}, resume() {}, nextRun: () => schedule.nextRun() };
    };
    return { cron, ticks };
  }

  /** A lock store shared by several engines, as Redis' `SET NX PX` would be. */
  function sharedLock() {
    const held = new Map<string, number>();
    const asked: Array<{ key: string; ttlMs: number }> = [];
    const lock = async (key: string, ttlMs: number) => {
      asked.push({ key, ttlMs });
      const until = held.get(key);
      if (until !== undefined && until > Date.now()) return false;
      held.set(key, Date.now() + ttlMs);
      return true;
    };
    return { lock, asked };
  }

  afterEach(() => vi.useRealTimers());

  it('runs a tick once across engines sharing the lock; the others count it as lockSkipped', async () => {
    vi.useFakeTimers({ now: new Date('2030-01-01T00:00:05.004Z'), toFake: ['Date'] });
    const { lock, asked } = sharedLock();
    const runs: Array<{ engine: string; scheduledAt: Date }> = [];
    const engines = ['a', 'b'].map((name) => {
      const { cron, ticks } = manualCron();
      const { hooks } = setup({ cron, scheduleLock: lock });
      hooks.schedule('* * * * * *', ({ scheduledAt }) => void runs.push({ engine: name, scheduledAt }), {
        owner: 'jobs',
      });
      hooks.start();
      return { hooks, tick: () => ticks[0]!() };
    });

    for (const engine of engines) engine.tick();
    await sleep(5);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.scheduledAt.toISOString()).toBe('2030-01-01T00:00:05.000Z');
    expect(asked[0]).toEqual({ key: 'jobs|* * * * * *|2030-01-01T00:00:05.000Z', ttlMs: 900 });
    const infos = engines.map((engine) => engine.hooks.schedules()[0]!);
    expect(infos.map((info) => info.runs + info.lockSkipped)).toEqual([1, 1]);
    expect(infos.reduce((sum, info) => sum + info.lockSkipped, 0)).toBe(1);

    vi.setSystemTime(new Date('2030-01-01T00:00:06.002Z'));
    for (const engine of [...engines].reverse()) engine.tick();
    await sleep(5);
    expect(runs).toHaveLength(2);
    expect(runs[1]!.scheduledAt.toISOString()).toBe('2030-01-01T00:00:06.000Z');
  });

  it('gives schedules of one owner with the same expression keys of their own', async () => {
    vi.useFakeTimers({ now: new Date('2030-01-01T00:00:00.001Z'), toFake: ['Date'] });
    const { lock, asked } = sharedLock();
    const { cron, ticks } = manualCron();
    const { hooks } = setup({ cron, scheduleLock: lock });
    let runs = 0;
    hooks.schedule('0 * * * * *', () => void runs++, { owner: 'jobs' });
    hooks.schedule('0 * * * * *', () => void runs++, { owner: 'jobs' });
    hooks.start();
    for (const tick of ticks) tick();
    await sleep(5);
    expect(runs).toBe(2);
    expect(asked.map(({ key }) => key)).toEqual([
      'jobs|0 * * * * *|2030-01-01T00:00:00.000Z',
      'jobs|0 * * * * *#2|2030-01-01T00:00:00.000Z',
    ]);
    // a minute apart: the lock lives a little under that
    expect(asked[0]!.ttlMs).toBe(59_000);
  });

  it('skips the tick with a warning when the lock cannot be asked for', async () => {
    const { cron, ticks } = manualCron();
    const { hooks, lines } = setup({
      cron,
      scheduleLock: async () => {
        throw new Error('lock store down');
      },
    });
    let runs = 0;
    hooks.schedule('* * * * * *', () => void runs++, { owner: 'jobs' });
    hooks.start();
    ticks[0]!();
    await sleep(5);
    expect(runs).toBe(0);
    expect(hooks.schedules()[0]).toMatchObject({ runs: 0, lockSkipped: 1, running: false });
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'warn', details: expect.objectContaining({ extension: 'jobs' }) }),
    );
  });

  it('runs every tick without a lock, as before', async () => {
    const { cron, ticks } = manualCron();
    const { hooks } = setup({ cron });
    let runs = 0;
    hooks.schedule('* * * * * *', () => void runs++, { owner: 'jobs' });
    hooks.start();
    ticks[0]!();
    await sleep(5);
    ticks[0]!();
    await sleep(5);
    expect(runs).toBe(2);
    expect(hooks.schedules()[0]).toMatchObject({ runs: 2, lockSkipped: 0 });
  });
});
