import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    globalSetup: ['test/build.ts', 'test/event-coverage/global-setup.ts'],
    setupFiles: ['test/event-coverage/write-fired-events.ts'],
  },
});
