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
 * Figures are operations per second of CPU time, the libraries of a case taking turns (see
 * `compare` in `measure.ts`).
 */
import Emittery from 'emittery';
import EventEmitter3 from 'eventemitter3';
import { createHooks as createHookable } from 'hookable';
import mitt from 'mitt';
import { AsyncParallelHook, AsyncSeriesWaterfallHook, SyncWaterfallHook } from 'tapable';
import { createHooks } from '../packages/hooks/src/index.ts';
import { apart, asyncLoop, compare, type Loop, syncLoop } from './measure.ts';

interface Case {
  case: string;
  lib: string;
  opsPerSec: number;
}

const cases: Case[] = [];

/** Measures one case's libraries side by side (see `compare`) and records them in this order. */
async function measure(name: string, loops: Record<string, Loop>): Promise<void> {
  for (const [lib, figure] of Object.entries(await compare(loops))) {
    cases.push({ case: name, lib, opsPerSec: figure.opsPerSec });
    console.log(
      `${name.padEnd(18)} ${lib.padEnd(14)} ${figure.opsPerSec.toLocaleString('en').padStart(14)} ops/s`,
    );
  }
}

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
  const hooks = createHooks({ logger: quiet });
  hooks.filter('other.event', (p) => p);
  const none = hooks.event('records.create');
  const tapable = new SyncWaterfallHook<[typeof payload]>(['payload']);
  const ee3 = new EventEmitter3();
  const emitter = mitt<{ 'records.create': typeof payload }>();
  const hookable = createHookable();
  const emittery = new Emittery();
  await measure('emit-none', {
    sluice: syncLoop(() => none.filter(payload, undefined)),
    bare: syncLoop(bare.sync([])),
    tapable: syncLoop(() => tapable.call(payload)),
    eventemitter3: syncLoop(() => ee3.emit('records.create', payload)),
    mitt: syncLoop(() => emitter.emit('records.create', payload)),
    hookable: asyncLoop(() => hookable.callHook('records.create', payload)),
    emittery: asyncLoop(() => emittery.emit('records.create', payload)),
  });
  const one = createHooks({ logger: quiet });
  one.filter('records.create', (p) => p);
  const single = one.event('records.create');
  await measure('emit-one', { sluice: syncLoop(() => single.filter(payload, undefined)) });
  await measure('emit-none-by-name', {
    sluice: syncLoop(() => hooks.runFilter('records.create', payload, undefined)),
  });
}

for (const size of [1, 10, 100]) {
  const hooks = createHooks({ logger: quiet });
  for (let i = 0; i < size; i++) hooks.filter('records.create', (p: typeof payload) => p);
  const point = hooks.event('records.create');
  const tapable = new SyncWaterfallHook<[typeof payload]>(['payload']);
  for (let i = 0; i < size; i++) tapable.tap(`t${i}`, (p) => p);
  const ee3 = new EventEmitter3();
  for (let i = 0; i < size; i++) ee3.on('records.create', (p: typeof payload) => p);
  const emitter = mitt<{ 'records.create': typeof payload }>();
  for (let i = 0; i < size; i++) emitter.on('records.create', (p) => p);
  await measure(`sync-chain-${size}`, {
    sluice: syncLoop(() => point.filter(payload, undefined)),
    bare: syncLoop(bare.sync(Array.from({ length: size }, () => (p: typeof payload) => p))),
    tapable: syncLoop(() => tapable.call(payload)),
    eventemitter3: syncLoop(() => ee3.emit('records.create', payload)),
    mitt: syncLoop(() => emitter.emit('records.create', payload)),
  });
}

for (const size of [10, 100]) {
  const hooks = createHooks({ logger: quiet });
  for (let i = 0; i < size; i++) hooks.filter('records.create', async (p: typeof payload) => p);
  const point = hooks.event('records.create');
  const tapable = new AsyncSeriesWaterfallHook<[typeof payload]>(['payload']);
  for (let i = 0; i < size; i++) tapable.tapPromise(`t${i}`, async (p) => p);
  const hookable = createHookable();
  for (let i = 0; i < size; i++) hookable.hook('records.create', async () => {});
  const emittery = new Emittery();
  for (let i = 0; i < size; i++) emittery.on('records.create', async () => {});
  await measure(`async-chain-${size}`, {
    sluice: asyncLoop(() => Promise.resolve(point.filter(payload, undefined))),
    bare: asyncLoop(bare.async(Array.from({ length: size }, () => async (p: typeof payload) => p))),
    tapable: asyncLoop(() => tapable.promise(payload)),
    hookable: asyncLoop(() => hookable.callHook('records.create', payload)),
    emittery: asyncLoop(() => emittery.emitSerial('records.create', payload)),
  });
}

for (const size of [10, 100]) {
  const hooks = createHooks({ logger: quiet });
  for (let i = 0; i < size; i++) hooks.action('records.create', async () => {});
  const point = hooks.event('records.create');
  const fanout = bare.fanout(Array.from({ length: size }, () => async () => {}));
  const tapable = new AsyncParallelHook<[typeof payload]>(['payload']);
  for (let i = 0; i < size; i++) tapable.tapPromise(`t${i}`, async () => {});
  const tapableFanOut = deferredFanOut((track) => track(tapable.promise(payload)));
  const hookable = createHookable();
  for (let i = 0; i < size; i++) hookable.hook('records.create', async () => {});
  const hookableFanOut = deferredFanOut((track) =>
    track(hookable.callHookParallel('records.create', payload)),
  );
  const emittery = new Emittery();
  for (let i = 0; i < size; i++) emittery.on('records.create', async () => {});
  const emitteryFanOut = deferredFanOut((track) => track(emittery.emit('records.create', payload)));
  const ee3 = new EventEmitter3();
  const ee3FanOut = deferredFanOut(() => ee3.emit('records.create', payload));
  for (let i = 0; i < size; i++) {
    const handler: AsyncHandler = async () => {};
    ee3.on('records.create', (p: typeof payload) => ee3FanOut.track(handler(p)));
  }
  const emitter = mitt<{ 'records.create': typeof payload }>();
  const mittFanOut = deferredFanOut(() => emitter.emit('records.create', payload));
  for (let i = 0; i < size; i++) {
    const handler: AsyncHandler = async () => {};
    emitter.on('records.create', (p) => mittFanOut.track(handler(p)));
  }
  await measure(`action-fanout-${size}`, {
    sluice: asyncLoop(
      async () => point.action(payload),
      () => hooks.drain(),
    ),
    bare: asyncLoop(fanout.emit, fanout.drain),
    tapable: asyncLoop(tapableFanOut.emit, tapableFanOut.drain),
    hookable: asyncLoop(hookableFanOut.emit, hookableFanOut.drain),
    emittery: asyncLoop(emitteryFanOut.emit, emitteryFanOut.drain),
    eventemitter3: asyncLoop(ee3FanOut.emit, ee3FanOut.drain),
    mitt: asyncLoop(mittFanOut.emit, mittFanOut.drain),
  });
}

const ofBare: Record<string, number> = {};
for (const sluice of cases.filter((figure) => figure.lib === 'sluice')) {
  const baseline = cases.find((figure) => figure.case === sluice.case && figure.lib === 'bare');
  if (baseline) ofBare[sluice.case] = Math.round((sluice.opsPerSec / baseline.opsPerSec) * 100) / 100;
}
console.log(`sluice ÷ bare: ${JSON.stringify(ofBare)}`);
console.log(JSON.stringify({ bench: 'hooks', cases, ofBare }));
