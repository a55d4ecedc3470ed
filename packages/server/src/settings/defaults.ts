import { STORAGE_DRIVERS, type StorageDriverName } from '../storage/types.ts';

/** An S3-compatible bucket, off: where files (`s3`) or backups (`backups.s3`) may be kept. */
function s3Bucket() {
  return {
    enabled: false,
    bucket: '',
    region: '',
    endpoint: '',
    accessKey: '',
    secret: '',
    forcePathStyle: false,
  };
}

/** The settings and their defaults. Every key a client may set is here, with its type. */
export function defaultSettings() {
  return {
    meta: {
      appName: 'Sluice',
      appURL: 'http://127.0.0.1:8090',
      senderName: 'Support',
      senderAddress: 'support@example.com',
      hideControls: false,
    },
    smtp: {
      enabled: false,
      host: 'smtp.example.com',
      port: 587,
      username: '',
      password: '',
      authMethod: '',
      tls: false,
      localName: '',
    },
    /** Where files are kept: `local` (the data folder), `s3`, `ftp`, `gcs` or `cloudinary`. */
    storage: { driver: 'local' as StorageDriverName },
    s3: s3Bucket(),
    /** The `ftp` storage driver: files under `root` on an FTP (or, with `secure`, FTPS) server. */
    ftp: { host: '', port: 21, user: '', password: '', secure: false, root: '/' },
    /** The `gcs` storage driver: a Google Cloud Storage bucket; `endpoint` for an emulator or a private endpoint. */
    gcs: { bucket: '', projectId: '', endpoint: '', clientEmail: '', privateKey: '' },
    /** The `cloudinary` storage driver: raw assets of a cloud; `apiHost` replaces https://api.cloudinary.com. */
    cloudinary: { cloudName: '', apiKey: '', apiSecret: '', apiHost: '', folder: '' },
    logs: { maxDays: 5, minLevel: 0, logIP: true, logAuthId: false },
    rateLimits: { enabled: true, maxAuthAttemptsPerMinute: 20 },
    trustedProxy: { headers: [] as string[], useLeftmostIP: false },
    /** Days the activity log and revisions are kept (0: for ever); a clean-up runs every hour. */
    activity: { maxDays: 0, revisionsMaxDays: 0 },
    /** `s3`: keep backups in an S3-compatible bucket instead of the data folder's `backups/`. */
    backups: {
      cron: '',
      cronMaxKeep: 3,
      s3: s3Bucket(),
    },
    /** `POST /api/batch`: off unless enabled; `timeout` in seconds, `maxBodySize` in bytes (0: 128 MiB). */
    batch: { enabled: false, maxRequests: 50, timeout: 3, maxBodySize: 0 },
  };
}

export type Settings = ReturnType<typeof defaultSettings>;

/** Paths of values never sent to clients, nor logged. */
export const secretPaths = [
  ['smtp', 'password'],
  ['s3', 'secret'],
  ['ftp', 'password'],
  ['gcs', 'privateKey'],
  ['cloudinary', 'apiSecret'],
  ['backups', 's3', 'secret'],
] as const;

/** Settings that take one of a fixed list of values, by path. */
export const settingChoices: Record<string, readonly string[]> = {
  'storage.driver': STORAGE_DRIVERS,
};
