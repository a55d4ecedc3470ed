import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterEach, describe, expect, it } from 'vitest';
import { bootstrapTestApp } from '../app/testing.ts';
import type { App } from '../app/types.ts';
import { qelos } from '../extensions/vocabularies/qelos.ts';
import { StorageUnavailableError } from './errors.ts';
import { closedPort } from './testing.ts';

let cleanup: (() => Promise<void>) | undefined;

afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function testApp(): Promise<App> {
  const started = await bootstrapTestApp();
  cleanup = started.cleanup;
  return started.app;
}

describe('StorageService', () => {
  it('keeps files on local disk under the data folder by default', async () => {
    const app = await testApp();
    const storage = app.services.storage;
    await storage.put('c1/r1/a.txt', Buffer.from('hello'), { contentType: 'text/plain' });
    expect(existsSync(join(app.options.dir, 'storage', 'c1', 'r1', 'a.txt'))).toBe(true);
    expect(await text((await storage.get('c1/r1/a.txt'))!.body)).toBe('hello');
    expect((await storage.driver()).name).toBe('local');
  });

  it('refuses a driver name the settings do not know, naming the setting', async () => {
    const app = await testApp();
    await expect(
      app.services.settings.update({ storage: { driver: 'dropbox' } }, app.context()),
    ).rejects.toMatchObject({
      status: 400,
      details: { 'storage.driver': { code: 'validation_invalid_value' } },
    });
  });

  it('emits files.storage_error, tagged with the driver, when the storage cannot be reached', async () => {
    const app = await testApp();
    const seen: unknown[] = [];
    app.hooks.action('files.storage_error', (meta) => void seen.push(meta), { tags: ['local'] });
    const driver = await app.services.storage.driver();
    driver.put = async () => {
      throw new StorageUnavailableError('local', 'write', new Error('disk full'));
    };
    const failure = app.services.storage.put('c1/r1/a.txt', Buffer.from('x'), { contentType: 'text/plain' });
    await expect(failure).rejects.toMatchObject({ status: 503, code: 'SLUICE_ERR_STORAGE_UNAVAILABLE' });
    await app.hooks.drain();
    expect(seen).toEqual([
      expect.objectContaining({ storage: 'local', driver: 'local', operation: 'write', error: 'disk full' }),
    ]);
  });
});

describe('files.storage_error in Qelos words', () => {
  it('reaches <driver>-connection-error of the driver that failed only, and the request gets a 503', async () => {
    const app = await testApp();
    const { registerToHook } = qelos({
      hooks: app.hooks,
      catalogue: app.catalogue,
      owner: 'hooks/test',
      logger: app.logger,
      dispatch: () => {
        throw new Error('not used');
      },
    });
    const seen: string[] = [];
    for (const driver of ['ftp', 's3'])
      registerToHook(
        { source: 'assets', kind: 'storage-connection-error', eventName: `${driver}-connection-error` },
        ({ body }) => void seen.push(`${body.eventName}: ${body.metadata.operation}`),
      );
    const port = await closedPort();
    await app.services.settings.update(
      { storage: { driver: 'ftp' }, ftp: { host: '127.0.0.1', port, user: 'u', password: 'p' } },
      app.context(),
    );
    await expect(
      app.services.storage.put('c1/r1/a.txt', Buffer.from('x'), { contentType: 'text/plain' }),
    ).rejects.toMatchObject({ status: 503, driver: 'ftp' });
    await app.hooks.drain();
    expect(seen).toEqual(['ftp-connection-error: write']);
  });
});
