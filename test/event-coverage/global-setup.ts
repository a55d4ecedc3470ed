import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CatalogueRow } from '@sluice/hooks';
import type { TestProject } from 'vitest/node';
import { events } from '../../packages/server/src/catalogue/events.ts';
import { FIRED_EVENTS_DIR } from '../../packages/server/src/catalogue/fired-events.ts';

/**
 * The event-coverage check: every catalogue event marked available must fire at least once in
 * the test run, or the run fails naming it — an available event that nothing fires is hollow.
 * Test workers, and the processes tests spawn, write the names they saw fire to files of a
 * temporary folder (packages/server/src/catalogue/fired-events.ts); the teardown reads them all.
 */
export default function setup(project: TestProject): () => Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-fired-events-'));
  process.env[FIRED_EVENTS_DIR] = dir;
  return async () => {
    try {
      if (!(await ranEveryTestFile(project))) return;
      const never = neverFired(firedNames(dir));
      if (never.length > 0) {
        throw new Error(
          `Event coverage: ${never.length} catalogue events marked available never fired in the test run: ${never.join(', ')}. Add a test whose operation fires each, or mark it with the feature it is missing.`,
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

/**
 * Only a run of the whole suite is checked: a run of some files (`vitest run path`), of some
 * tests (`-t`), of a shard, or in watch mode fires only part of the catalogue. The criterion is
 * that every file the configuration includes ran, with no name filter.
 */
async function ranEveryTestFile(project: TestProject): Promise<boolean> {
  const { config, state } = project.vitest;
  if (config.watch || config.testNamePattern) return false;
  const ran = new Set(state.getFilepaths());
  const { testFiles } = await project.globTestFiles();
  return testFiles.every((file) => ran.has(file));
}

function firedNames(dir: string): Set<string> {
  const names = new Set<string>();
  for (const file of readdirSync(dir)) {
    for (const name of readFileSync(join(dir, file), 'utf8').split('\n')) names.add(name);
  }
  return names;
}

function neverFired(fired: Set<string>): string[] {
  return events
    .filter((row: CatalogueRow) => row.missingFeature === undefined && !fired.has(row.name))
    .map((row) => row.name);
}
