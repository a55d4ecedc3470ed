/**
 * The hook engine against other event and hook libraries, side by side in one process, and
 * against `bare`: a hand-written loop doing the same work (a loop of plain calls for sync chains,
 * an `await` loop for async chains, the handlers started after the emitter returns for a fan-out).
 * Each library appears only in the modes it has. The last line gives sluice ÷ bare per case.
 *
 * What each row does per operation:
 * - emit-none, sync-chain-N: one synchronous emit through N handlers that return the payload
 *   (eventemitter3 and mitt call them and drop what they return).
 * - async-chain-N: N async handlers awaited one after another; sluice, bare and tapable thread
 *   the payload through them, hookable and emittery only await them.
 * - action-fanout-N: every row, Sluice's included, fans out as Sluice's actions do
 *   (`deferredFanOut`): the emit returns before any handler starts, the N async handlers start
 *   afterwards, and every 100 emits the loop waits until the promise of each has settled. Sluice
 *   starts them on its own schedule (after the current turn, many emits at once); the other rows
 *   start each emit's handlers in a microtask, through the library's emit, and follow their
 *   promises with one shared counter (eventemitter3's and mitt's listeners hand theirs to it;
 *   tapable, hookable and emittery give one promise for the whole emit).
 *
 * Figures are operations per second of CPU time (see `measure.ts`).
 */
import Emittery from 'emittery';
import EventEmitter3 from 'eventemitter3';
import { createHooks as createHookable } from 'hookable';
import mitt from 'mitt';
import { AsyncParallelHook, AsyncSeriesWaterfallHook, SyncWaterfallHook } from 'tapable';
import { createHooks } from '../packages/hooks/src/index.ts';
import { apart, measureAsync, measureSync } from './measure.ts';

interface Case {
  case: string;
  lib: string;
  opsPerSec: number;
}

const cases: Case[] = [];
const record = (name: string, lib: string, figure: { opsPerSec: number }) => {
  cases.push({ case: name, lib, opsPerSec: figure.opsPerSec });
  console.log(
    `${name.padEnd(18)} ${lib.padEnd(14)} ${figure.opsPerSec.toLocaleString('en').padStart(14)} ops/s`,
  );
};

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const payload = { n: 0 };

type Handler = (p: typeof payload) => typeof payload;
type AsyncHandler = (p: typeof payload) => Promise<unknown>;

interface FanOut {
  emit(): Promise<void>;
  drain(): Promise<void>;
  track(pending: Promise<unknown>): void;
}

/**
 * A fan-out as Sluice's actions run one: `emit` returns before any handler starts, the handlers
 * start afterwards (here in a microtask), and `drain` resolves once every promise they returned
 * has settled, failures ignored. `start` does the row's own emitting and hands each promise it
 * gets to `track`: the bare loop's handlers, a library's listeners (which track what their
 * handler returns, as they cannot return it to an emitter that does not wait), or the one promise
 * of a library that waits for its handlers itself.
 */
function deferredFanOut(start: (track: (pending: Promise<unknown>) => void) => void): FanOut {
  let inflight = 0;
  let idle: (() => void) | undefined;
  const settled = () => {
    if (--inflight === 0 && idle) {
      const wake = idle;
      idle = undefined;
      wake();
    }
  };
  const track = (pending: Promise<unknown>) => {
    inflight++;
    pending.then(settled, settled);
  };
  const run = () => {
    start(track);
    settled();
  };
  return {
    track,
    emit: async () => {
      inflight++;
      queueMicrotask(run);
    },
    drain: () =>
      inflight === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            idle = resolve;
          }),
  };
}

/**
 * The bare code: a hand-written loop over the handlers doing the work a filter chain does (a
 * handler's `undefined` keeps the payload, `false` stops the chain), with none of an engine's
 * bookkeeping — no tags, no error wrapping, no registry. Each loop is compiled apart
 * (`new Function` on a source no other loop has), so that no call site is shared between cases.
 */
const bare = {
  sync(handlers: Handler[]): () => unknown {
    return new Function(
      'handlers',
      'payload',
      apart(`return () => {
        let p = payload;
        for (let i = 0; i < handlers.length; i++) {
          const r = handlers[i](p);
          if (r === false) break;
          if (r !== undefined) p = r;
        }
        return p;
      };`),
    )(handlers, payload);
  },
  async(handlers: AsyncHandler[]): () => Promise<unknown> {
    return new Function(
      'handlers',
      'payload',
      apart(`return async () => {
        let p = payload;
        for (let i = 0; i < handlers.length; i++) {
          const r = await handlers[i](p);
          if (r === false) break;
          if (r !== undefined) p = r;
        }
        return p;
      };`),
    )(handlers, payload);
  },
  fanout(handlers: AsyncHandler[]): FanOut {
    return deferredFanOut((track) => {
      for (let i = 0; i < handlers.length; i++) track(handlers[i]!(payload));
    });
  },
};

// emit with no listener, and with one, for the ratio
{
  record('emit-none', 'bare', measureSync(bare.sync([])));
  const hooks = createHooks({ logger: quiet });
  hooks.filter('other.event', (p) => p);
  const none = hooks.event('records.create');
  record(
    'emit-none',
    'sluice',
    measureSync(() => none.filter(payload, undefined)),
  );
  const one = createHooks({ logger: quiet });
  one.filter('records.create', (p) => p);
  const single = one.event('records.create');
  record(
    'emit-one',
    'sluice',
    measureSync(() => single.filter(payload, undefined)),
  );
  record(
    'emit-none-by-name',
    'sluice',
    measureSync(() => hooks.runFilter('records.create', payload, undefined)),
  );
  const tapable = new SyncWaterfallHook<[typeof payload]>(['payload']);
  record(
    'emit-none',
    'tapable',
    measureSync(() => tapable.call(payload)),
  );
  const ee3 = new EventEmitter3();
  record(
    'emit-none',
    'eventemitter3',
    measureSync(() => ee3.emit('records.create', payload)),
  );
  const emitter = mitt<{ 'records.create': typeof payload }>();
  record(
    'emit-none',
    'mitt',
    measureSync(() => emitter.emit('records.create', payload)),
  );
  const hookable = createHookable();
  record('emit-none', 'hookable', await measureAsync(() => hookable.callHook('records.create', payload)));
  const emittery = new Emittery();
  record('emit-none', 'emittery', await measureAsync(() => emittery.emit('records.create', payload)));
}

for (const size of [1, 10, 100]) {
  const name = `sync-chain-${size}`;
  const hooks = createHooks({ logger: quiet });
  for (let i = 0; i < size; i++) hooks.filter('records.create', (p: typeof payload) => p);
  const point = hooks.event('records.create');
  record(
    name,
    'sluice',
    measureSync(() => point.filter(payload, undefined)),
  );
  record(name, 'bare', measureSync(bare.sync(Array.from({ length: size }, () => (p: typeof payload) => p))));
  const tapable = new SyncWaterfallHook<[typeof payload]>(['payload']);
  for (let i = 0; i < size; i++) tapable.tap(`t${i}`, (p) => p);
  record(
    name,
    'tapable',
    measureSync(() => tapable.call(payload)),
  );
  const ee3 = new EventEmitter3();
  for (let i = 0; i < size; i++) ee3.on('records.create', (p: typeof payload) => p);
  record(
    name,
    'eventemitter3',
    measureSync(() => ee3.emit('records.create', payload)),
  );
  const emitter = mitt<{ 'records.create': typeof payload }>();
  for (let i = 0; i < size; i++) emitter.on('records.create', (p) => p);
  record(
    name,
    'mitt',
    measureSync(() => emitter.emit('records.create', payload)),
  );
}

for (const size of [10, 100]) {
  const name = `async-chain-${size}`;
  const hooks = createHooks({ logger: quiet });
  for (let i = 0; i < size; i++) hooks.filter('records.create', async (p: typeof payload) => p);
  const point = hooks.event('records.create');
  record(name, 'sluice', await measureAsync(() => Promise.resolve(point.filter(payload, undefined))));
  record(
    name,
    'bare',
    await measureAsync(bare.async(Array.from({ length: size }, () => async (p: typeof payload) => p))),
  );
  const tapable = new AsyncSeriesWaterfallHook<[typeof payload]>(['payload']);
  for (let i = 0; i < size; i++) tapable.tapPromise(`t${i}`, async (p) => p);
  record(name, 'tapable', await measureAsync(() => tapable.promise(payload)));
  const hookable = createHookable();
  for (let i = 0; i < size; i++) hookable.hook('records.create', async () => {});
  record(name, 'hookable', await measureAsync(() => hookable.callHook('records.create', payload)));
  const emittery = new Emittery();
  for (let i = 0; i < size; i++) emittery.on('records.create', async () => {});
  record(name, 'emittery', await measureAsync(() => emittery.emitSerial('records.create', payload)));
}

for (const size of [10, 100]) {
  const name = `action-fanout-${size}`;
  const hooks = createHooks({ logger: quiet });
  for (let i = 0; i < size; i++) hooks.action('records.create', async () => {});
  const point = hooks.event('records.create');
  record(
    name,
    'sluice',
    await measureAsync(
      async () => point.action(payload),
      () => hooks.drain(),
    ),
  );
  const fanout = bare.fanout(Array.from({ length: size }, () => async () => {}));
  record(name, 'bare', await measureAsync(fanout.emit, fanout.drain));
  const tapable = new AsyncParallelHook<[typeof payload]>(['payload']);
  for (let i = 0; i < size; i++) tapable.tapPromise(`t${i}`, async () => {});
  const tapableFanOut = deferredFanOut((track) => track(tapable.promise(payload)));
  record(name, 'tapable', await measureAsync(tapableFanOut.emit, tapableFanOut.drain));
  const hookable = createHookable();
  for (let i = 0; i < size; i++) hookable.hook('records.create', async () => {});
  const hookableFanOut = deferredFanOut((track) =>
    track(hookable.callHookParallel('records.create', payload)),
  );
  record(name, 'hookable', await measureAsync(hookableFanOut.emit, hookableFanOut.drain));
  const emittery = new Emittery();
  for (let i = 0; i < size; i++) emittery.on('records.create', async () => {});
  const emitteryFanOut = deferredFanOut((track) => track(emittery.emit('records.create', payload)));
  record(name, 'emittery', await measureAsync(emitteryFanOut.emit, emitteryFanOut.drain));
  const ee3 = new EventEmitter3();
  const ee3FanOut = deferredFanOut(() => ee3.emit('records.create', payload));
  for (let i = 0; i < size; i++) {
    const handler: AsyncHandler = async () => {};
    ee3.on('records.create', (p: typeof payload) => ee3FanOut.track(handler(p)));
  }
  record(name, 'eventemitter3', await measureAsync(ee3FanOut.emit, ee3FanOut.drain));
  const emitter = mitt<{ 'records.create': typeof payload }>();
  const mittFanOut = deferredFanOut(() => emitter.emit('records.create', payload));
  for (let i = 0; i < size; i++) {
    const handler: AsyncHandler = async () => {};
    emitter.on('records.create', (p) => mittFanOut.track(handler(p)));
  }
  record(name, 'mitt', await measureAsync(mittFanOut.emit, mittFanOut.drain));
}

const ofBare: Record<string, number> = {};
for (const sluice of cases.filter((figure) => figure.lib === 'sluice')) {
  const baseline = cases.find((figure) => figure.case === sluice.case && figure.lib === 'bare');
  if (baseline) ofBare[sluice.case] = Math.round((sluice.opsPerSec / baseline.opsPerSec) * 100) / 100;
}
console.log(`sluice ÷ bare: ${JSON.stringify(ofBare)}`);
console.log(JSON.stringify({ bench: 'hooks', cases, ofBare }));
