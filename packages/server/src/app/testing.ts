import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from './create.ts';
import type { App } from './types.ts';

/** A `users` record that bootstrapTestApp({ withKnownUser: true }) creates. */
export const KNOWN_USER = { email: 'known@example.com', password: 'known-password-1' };

/** An app on SQLite in a folder of its own, bootstrapped but not listening, for unit tests. */
export async function bootstrapTestApp(
  options: { withKnownUser?: boolean; beforeBootstrap?: (app: App) => void; dir?: string } = {},
): Promise<{ app: App; cleanup(): Promise<void> }> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'sluice-unit-'));
  const ownsDir = options.dir === undefined;
  const app = createApp({ dir, extensions: false, logLevel: 'silent', env: {} });
  options.beforeBootstrap?.(app);
  await app.bootstrap();
  if (options.withKnownUser) {
    await app.services.records.create('users', { ...KNOWN_USER, passwordConfirm: KNOWN_USER.password });
  }
  return {
    app,
    async cleanup() {
      await app.stop();
      if (ownsDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
