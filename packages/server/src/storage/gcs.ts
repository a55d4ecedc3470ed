import { randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type * as GoogleCloudStorage from '@google-cloud/storage';
import type { Bucket } from '@google-cloud/storage';
import { lazyModule } from '../lazy-module.ts';
import type { Settings } from '../settings/defaults.ts';
import { StorageUnavailableError } from './errors.ts';
import { safeKey, safePrefix } from './keys.ts';
import type { ObjectStream, StorageDriver, StoredObject } from './types.ts';

export type GcsOptions = Settings['gcs'];

const sdk = lazyModule<typeof GoogleCloudStorage>('@google-cloud/storage');

/**
 * Objects in a Google Cloud Storage bucket. `endpoint` replaces Google's (an emulator, a private
 * endpoint); requests to such an endpoint are authenticated only when credentials are set.
 */
export class GcsDriver implements StorageDriver {
  readonly name = 'gcs' as const;
  #bucket: Bucket | undefined;

  constructor(private readonly options: GcsOptions) {}

  #gcs(operation: string): Bucket {
    const { bucket, projectId, endpoint, clientEmail, privateKey } = this.options;
    if (!bucket) throw new StorageUnavailableError('gcs', operation, new Error('No bucket is set.'));
    const credentials = clientEmail ? { client_email: clientEmail, private_key: privateKey } : undefined;
    this.#bucket ??= new (sdk().Storage)({
      projectId: projectId || undefined,
      apiEndpoint: endpoint || undefined,
      credentials,
      useAuthWithCustomEndpoint: credentials !== undefined,
      retryOptions: { maxRetries: 1, totalTimeout: 30, maxRetryDelay: 1 },
    }).bucket(bucket);
    return this.#bucket;
  }

  async put(key: string, body: Buffer | Readable, options: { contentType: string }): Promise<void> {
    safeKey(key);
    await this.#call('write', async (bucket) => {
      // one request (not a resumable session): the object exists whole or not at all
      const target = bucket.file(key).createWriteStream({
        resumable: false,
        contentType: options.contentType,
        validation: false,
      });
      await pipeline(Buffer.isBuffer(body) ? Readable.from([body], { objectMode: false }) : body, target);
    });
  }

  async get(key: string): Promise<ObjectStream | undefined> {
    const found = await this.stat(key);
    if (!found) return undefined;
    const body = this.#gcs('read').file(key).createReadStream({ validation: false });
    const wrapped = new PassThrough();
    body.on('error', (error) => wrapped.destroy(new StorageUnavailableError('gcs', 'read', error)));
    return { ...found, body: body.pipe(wrapped) };
  }

  async stat(key: string): Promise<StoredObject | undefined> {
    safeKey(key);
    return this.#call('read', async (bucket) => {
      try {
        const [metadata] = await bucket.file(key).getMetadata();
        return {
          size: Number(metadata.size ?? 0),
          contentType: metadata.contentType,
          modified: metadata.updated ? new Date(metadata.updated) : undefined,
        };
      } catch (error) {
        if ((error as { code?: number }).code === 404) return undefined;
        throw error;
      }
    });
  }

  async delete(key: string): Promise<void> {
    safeKey(key);
    await this.#call('delete', (bucket) => bucket.file(key).delete({ ignoreNotFound: true }));
  }

  async deletePrefix(prefix: string): Promise<void> {
    safePrefix(prefix);
    await this.#call('delete', (bucket) => bucket.deleteFiles({ prefix, force: true }));
  }

  async test(): Promise<void> {
    const key = `sluice_storage_test_${randomBytes(5).toString('hex')}/test.txt`;
    await this.put(key, Buffer.from('ok'), { contentType: 'text/plain' });
    await this.delete(key);
  }

  async close(): Promise<void> {
    this.#bucket = undefined;
  }

  async #call<T>(operation: string, run: (bucket: Bucket) => Promise<T>): Promise<T> {
    const bucket = this.#gcs(operation);
    try {
      return await run(bucket);
    } catch (error) {
      throw new StorageUnavailableError('gcs', operation, error);
    }
  }
}
