import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * The tests that spawn `sluice` run the compiled CLI, as installed: brought up to date once here
 * (the CLI rebuilds what is older than its sources), rather than by several spawned at once.
 */
export default function setup(): void {
  const bin = fileURLToPath(new URL('../packages/server/bin/sluice.js', import.meta.url));
  const { status, stderr } = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
  if (status !== 0) throw new Error(`Could not build the CLI: ${stderr}`);
}
