import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bootstrapTestApp } from '../app/testing.ts';

describe('settings writes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-settings-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stores the defaults once, as settings.create, when a data folder is first opened', async () => {
    const seen: string[] = [];
    const open = () =>
      bootstrapTestApp({
        dir,
        beforeBootstrap: (app) => {
          for (const name of ['settings.create', 'settings.update', 'model.create'] as const) {
            app.hooks.action(
              name,
              (meta) => void seen.push(`${name} ${(meta as { table?: string }).table ?? ''}`),
            );
          }
        },
      });
    const first = await open();
    await first.app.hooks.drain();
    await first.cleanup();
    expect(seen).toContain('settings.create ');
    expect(seen).toContain('model.create _params');
    seen.length = 0;
    const second = await open();
    await second.app.hooks.drain();
    await second.cleanup();
    expect(seen.filter((line) => line.startsWith('settings.'))).toEqual([]);
  });

  it('resets a group to its defaults as settings.delete, with the group as payload and no secret', async () => {
    const { app, cleanup } = await bootstrapTestApp();
    try {
      const seen: unknown[] = [];
      app.hooks.action('settings.delete', (meta) => {
        const { payload, record } = meta as unknown as {
          payload: unknown;
          record: { smtp: { password?: string } };
        };
        seen.push({ payload, password: record.smtp.password });
      });
      await app.services.settings.update(
        { smtp: { host: 'mail.example.com', password: 'hunter2' } },
        app.context(),
      );
      const reset = await app.services.settings.reset('smtp', app.context());
      await app.hooks.drain();
      expect((reset.smtp as { host: string }).host).not.toBe('mail.example.com');
      expect(seen).toEqual([{ payload: ['smtp'], password: undefined }]);
      await expect(app.services.settings.reset('nothing', app.context())).rejects.toMatchObject({
        status: 404,
      });
    } finally {
      await cleanup();
    }
  });
});
