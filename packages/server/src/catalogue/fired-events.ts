import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOOK_ERROR, type Hooks, type Point } from '@sluice/hooks';

/**
 * Which events fire while the test suite runs, for its event-coverage check
 * (test/event-coverage/global-setup.ts). When this variable names a folder, every app records
 * the names of the events it fires and its process writes them to a file of its own there;
 * when it is unset, an app's hooks are left as they are and emitting costs nothing more.
 */
export const FIRED_EVENTS_DIR = 'SLUICE_FIRED_EVENTS_DIR';

const fired = new Set<string>();
const file = `${process.pid}-${randomUUID()}.txt`;
let writesAtExit = false;

/**
 * The hooks an app emits through: `hooks` itself, or a copy that records every event reaching
 * an emit point. Asking whether anything listens counts, since the server skips building an
 * event nobody listens to.
 */
export function recordFiredEvents<H extends Hooks<any, any>>(hooks: H): H {
  if (!process.env[FIRED_EVENTS_DIR]) return hooks;
  if (!writesAtExit) {
    writesAtExit = true;
    // A process the tests spawn has no test runner to write for it.
    process.once('exit', writeFiredEvents);
  }
  const recording: Hooks<any, any> = {
    ...hooks,
    // The engine emits hook.error itself, past every emit point of the server: it shows in its handlers.
    action: (name, handler, options) =>
      hooks.action(
        name,
        name === HOOK_ERROR
          ? (meta, ctx) => {
              fired.add(HOOK_ERROR);
              return handler(meta, ctx);
            }
          : handler,
        options,
      ),
    runFilter: (name, payload, meta, ctx, tags) => {
      fired.add(name);
      return hooks.runFilter(name, payload, meta, ctx, tags);
    },
    runAction: (name, meta, ctx, tags) => {
      fired.add(name);
      hooks.runAction(name, meta, ctx, tags);
    },
    runInit: (name, meta) => {
      fired.add(name);
      return hooks.runInit(name, meta);
    },
    listens: (kind, name) => {
      fired.add(name);
      return hooks.listens(kind, name);
    },
    event: (name) => recordingPoint(hooks.event(name)),
  };
  return recording as H;
}

function recordingPoint(point: Point): Point {
  return {
    name: point.name,
    filter: (payload, meta, ctx, tags) => {
      fired.add(point.name);
      return point.filter(payload, meta, ctx, tags);
    },
    action: (meta, ctx, tags) => {
      fired.add(point.name);
      point.action(meta, ctx, tags);
    },
    listens: (kind) => {
      fired.add(point.name);
      return point.listens(kind);
    },
  };
}

/** Writes the names this process saw fire so far to its file (replacing what it wrote before). */
export function writeFiredEvents(): void {
  const dir = process.env[FIRED_EVENTS_DIR];
  if (!dir || fired.size === 0) return;
  writeFileSync(join(dir, file), [...fired].join('\n'));
}
