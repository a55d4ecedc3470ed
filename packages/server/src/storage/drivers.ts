import { join } from 'node:path';
import type { Settings } from '../settings/defaults.ts';
import { CloudinaryDriver } from './cloudinary.ts';
import { FtpDriver } from './ftp.ts';
import { GcsDriver } from './gcs.ts';
import { LocalDriver } from './local.ts';
import { S3Driver } from './s3.ts';
import type { StorageDriver, StorageDriverName } from './types.ts';

/** Builds a driver from the settings; `dir` is the data folder. */
type DriverFactory = (settings: Settings, dir: string) => StorageDriver;

const factories: Record<StorageDriverName, DriverFactory> = {
  local: (_settings, dir) => new LocalDriver(join(dir, 'storage')),
  s3: (settings) => new S3Driver(settings.s3),
  ftp: (settings) => new FtpDriver(settings.ftp),
  gcs: (settings) => new GcsDriver(settings.gcs),
  cloudinary: (settings) => new CloudinaryDriver(settings.cloudinary),
};

/** The driver the settings choose: `storage.driver`, or `s3` when PocketBase's `s3.enabled` is set. */
export function chosenDriver(settings: Settings): StorageDriverName {
  if (settings.storage.driver === 'local' && settings.s3.enabled) return 's3';
  return settings.storage.driver;
}

/** What, in the settings, the chosen driver is built from: a new value means a new driver. */
export function driverFingerprint(settings: Settings): string {
  const name = chosenDriver(settings);
  return JSON.stringify([name, name === 'local' ? null : (settings as Record<string, unknown>)[name]]);
}

export function createDriver(settings: Settings, dir: string): StorageDriver {
  const name = chosenDriver(settings);
  return factories[name](settings, dir);
}
