import type { Readable } from 'node:stream';
import type { Core } from '../app/core.ts';
import type { HookContext } from '../context.ts';
import { emitAction } from '../records/operations/events.ts';
import type { Settings } from '../settings/defaults.ts';
import type { SettingsService } from '../settings/service.ts';
import { createDriver, driverFingerprint } from './drivers.ts';
import { StorageUnavailableError } from './errors.ts';
import type { ByteRange, ObjectStream, StorageDriver, StoredObject } from './types.ts';

/**
 * The file storage the settings choose, for every feature that keeps files. A driver is built
 * when first needed and rebuilt when its settings change. A driver that cannot reach its
 * service emits `files.storage_error` (tagged with the driver's name) before the error goes on
 * to the caller as a 503.
 */
export class StorageService {
  #current: { fingerprint: string; driver: StorageDriver } | undefined;

  constructor(
    private readonly core: Core,
    private readonly settings: SettingsService,
    private readonly dir: string,
  ) {}

  /** The driver for the current settings. */
  async driver(): Promise<StorageDriver> {
    const settings = await this.settings.current();
    const fingerprint = driverFingerprint(settings);
    if (this.#current?.fingerprint === fingerprint) return this.#current.driver;
    const previous = this.#current?.driver;
    this.#current = { fingerprint, driver: createDriver(settings, this.dir) };
    await previous?.close().catch(() => {});
    return this.#current.driver;
  }

  put(
    key: string,
    body: Buffer | Readable,
    options: { contentType: string; size?: number },
    ctx?: HookContext,
  ): Promise<void> {
    return this.#run(ctx, (driver) => driver.put(key, body, options));
  }

  get(key: string, ctx?: HookContext, range?: ByteRange): Promise<ObjectStream | undefined> {
    return this.#run(ctx, (driver) => driver.get(key, range));
  }

  stat(key: string, ctx?: HookContext): Promise<StoredObject | undefined> {
    return this.#run(ctx, (driver) => driver.stat(key));
  }

  delete(key: string, ctx?: HookContext): Promise<void> {
    return this.#run(ctx, (driver) => driver.delete(key));
  }

  deletePrefix(prefix: string, ctx?: HookContext): Promise<void> {
    return this.#run(ctx, (driver) => driver.deletePrefix(prefix));
  }

  /**
   * Tries a driver: connects, writes and removes a probe. Without `settings`, the configured one;
   * with them, a driver built from them for this test only.
   */
  async test(ctx?: HookContext, settings?: Settings): Promise<void> {
    if (!settings) return this.#run(ctx, (driver) => driver.test());
    const driver = createDriver(settings, this.dir);
    try {
      await this.#run(ctx, () => driver.test(), driver);
    } finally {
      await driver.close().catch(() => {});
    }
  }

  async close(): Promise<void> {
    await this.#current?.driver.close();
    this.#current = undefined;
  }

  async #run<T>(
    ctx: HookContext | undefined,
    operation: (driver: StorageDriver) => Promise<T>,
    given?: StorageDriver,
  ): Promise<T> {
    const driver = given ?? (await this.driver());
    try {
      return await operation(driver);
    } catch (error) {
      if (error instanceof StorageUnavailableError) this.#unavailable(error, ctx);
      throw error;
    }
  }

  #unavailable(error: StorageUnavailableError, ctx: HookContext | undefined): void {
    this.core.logger.warn(
      { storage: error.driver, operation: error.operation, reason: error.reason },
      'The file storage is unavailable.',
    );
    const meta = {
      event: 'files.storage_error',
      storage: error.driver,
      driver: error.driver,
      operation: error.operation,
      error: error.reason,
    };
    // not held by the caller's transaction: the failure happened whether or not it commits
    const outside = this.core.context({ accountability: ctx?.accountability, request: ctx?.request });
    emitAction(this.core, 'files.storage_error', meta, outside, [error.driver]);
  }
}
