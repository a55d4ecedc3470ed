import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from './create.ts';
import type { App } from './types.ts';

/** An app on SQLite in a folder of its own, bootstrapped but not listening, for unit tests. */
export async function bootstrapTestApp(): Promise<{ app: App; cleanup(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-unit-'));
  const app = createApp({ dir, extensions: false, logLevel: 'silent', env: {} });
  await app.bootstrap();
  return {
    app,
    async cleanup() {
      await app.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
