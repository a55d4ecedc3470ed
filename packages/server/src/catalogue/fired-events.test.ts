import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHooks } from '@sluice/hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { FIRED_EVENTS_DIR, recordFiredEvents, writeFiredEvents } from './fired-events.ts';

// Names outside the catalogue, so that what this file fires counts for no catalogue row.
const suiteDir = process.env[FIRED_EVENTS_DIR];
afterEach(() => {
  if (suiteDir === undefined) delete process.env[FIRED_EVENTS_DIR];
  else process.env[FIRED_EVENTS_DIR] = suiteDir;
});

describe('recordFiredEvents', () => {
  it('leaves the hooks as they are when no folder is named', () => {
    delete process.env[FIRED_EVENTS_DIR];
    const hooks = createHooks();
    expect(recordFiredEvents(hooks)).toBe(hooks);
  });

  it('records every event reaching an emit point and writes the names to a file of the process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-fired-test-'));
    try {
      process.env[FIRED_EVENTS_DIR] = dir;
      const hooks = recordFiredEvents(createHooks());
      hooks.filter('fired.filtered', (payload) => payload);
      expect(hooks.runFilter('fired.filtered', 1, {})).toBe(1);
      hooks.runAction('fired.acted', {});
      await hooks.runInit('fired.started', {});
      expect(hooks.listens('action', 'fired.asked')).toBe(false);
      const point = hooks.event('fired.pointed');
      expect(point.listens('action')).toBe(false);
      writeFiredEvents();
      const [file, ...others] = readdirSync(dir);
      expect(others).toEqual([]);
      expect(readFileSync(join(dir, file!), 'utf8').split('\n')).toEqual(
        expect.arrayContaining([
          'fired.filtered',
          'fired.acted',
          'fired.started',
          'fired.asked',
          'fired.pointed',
        ]),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
