import { randomBytes } from 'node:crypto';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import type * as Cloudinary from 'cloudinary';
import { lazyModule } from '../lazy-module.ts';
import type { Settings } from '../settings/defaults.ts';
import { StorageUnavailableError } from './errors.ts';
import { safeKey, safePrefix } from './keys.ts';
import type { ObjectStream, StorageDriver, StoredObject } from './types.ts';

const sdk = lazyModule<typeof Cloudinary>('cloudinary');

export type CloudinaryOptions = Settings['cloudinary'];

const API_HOST = 'https://api.cloudinary.com';

/**
 * Files as Cloudinary `raw` assets (kept byte for byte, public id = `folder/key`); `apiHost`
 * replaces Cloudinary's API host. Content is read from the asset's delivery URL.
 */
export class CloudinaryDriver implements StorageDriver {
  readonly name = 'cloudinary' as const;
  readonly #agent: HttpAgent;

  constructor(private readonly options: CloudinaryOptions) {
    // the SDK picks http or https once, from its global config: a per-driver agent decides instead
    this.#agent = (options.apiHost || API_HOST).startsWith('http:')
      ? new HttpAgent({ keepAlive: true })
      : new HttpsAgent({ keepAlive: true });
  }

  /** `folder/` (no slash at either end of the setting), or nothing. */
  get #folder(): string {
    const folder = this.options.folder.replace(/^\/+|\/+$/g, '');
    return folder ? `${folder}/` : '';
  }

  #publicId(key: string): string {
    return this.#folder + safeKey(key);
  }

  /** What every SDK call is given: this driver's account and host, never the SDK's global config. */
  #account(operation: string) {
    const { cloudName, apiKey, apiSecret, apiHost } = this.options;
    if (!cloudName || !apiKey)
      throw new StorageUnavailableError(
        'cloudinary',
        operation,
        new Error('No cloud name or API key is set.'),
      );
    return {
      cloud_name: cloudName,
      api_key: apiKey,
      api_secret: apiSecret,
      upload_prefix: apiHost || API_HOST,
      agent: this.#agent,
      resource_type: 'raw' as const,
      timeout: 60_000,
    };
  }

  async put(key: string, body: Buffer | Readable, _options: { contentType: string }): Promise<void> {
    const publicId = this.#publicId(key);
    const account = this.#account('write');
    await this.#call('write', () => {
      let upload: NodeJS.WritableStream | undefined;
      const uploaded = new Promise<unknown>((resolve, reject) => {
        upload = sdk().v2.uploader.upload_stream(
          { ...account, public_id: publicId, overwrite: true, invalidate: true },
          (error, result) => (error ? reject(error) : resolve(result)),
        );
      });
      // a failed source destroys the upload without ending it: Cloudinary keeps no half asset
      const source = Buffer.isBuffer(body) ? Readable.from([body], { objectMode: false }) : body;
      return Promise.all([pipeline(source, upload as NodeJS.WritableStream), uploaded]);
    });
  }

  async get(key: string): Promise<ObjectStream | undefined> {
    const found = await this.#resource(key, 'read');
    if (!found) return undefined;
    return this.#call('read', async () => {
      const response = await fetch(found.secure_url);
      if (!response.ok || !response.body) throw new Error(`The delivery URL answered ${response.status}.`);
      return { ...statOf(found), body: Readable.fromWeb(response.body as ReadableStream) };
    });
  }

  async stat(key: string): Promise<StoredObject | undefined> {
    const found = await this.#resource(key, 'read');
    return found ? statOf(found) : undefined;
  }

  async delete(key: string): Promise<void> {
    const publicId = this.#publicId(key);
    const account = this.#account('delete');
    await this.#call('delete', () => sdk().v2.uploader.destroy(publicId, { ...account, invalidate: true }));
  }

  async deletePrefix(prefix: string): Promise<void> {
    const publicPrefix = this.#folder + safePrefix(prefix);
    const account = this.#account('delete');
    await this.#call('delete', async () => {
      // at most a thousand assets go per call: `partial` says more are left
      for (;;) {
        const result = await sdk().v2.api.delete_resources_by_prefix(publicPrefix, account);
        if (!result.partial) return;
      }
    });
  }

  async test(): Promise<void> {
    const key = `sluice_storage_test_${randomBytes(5).toString('hex')}/test.txt`;
    await this.put(key, Buffer.from('ok'), { contentType: 'text/plain' });
    await this.delete(key);
  }

  async close(): Promise<void> {
    this.#agent.destroy();
  }

  async #resource(key: string, operation: string): Promise<CloudinaryResource | undefined> {
    const publicId = this.#publicId(key);
    const account = this.#account(operation);
    return this.#call(operation, async () => {
      try {
        return (await sdk().v2.api.resource(publicId, {
          ...account,
          type: 'upload',
        })) as CloudinaryResource;
      } catch (error) {
        if ((error as { error?: { http_code?: number } }).error?.http_code === 404) return undefined;
        throw error;
      }
    });
  }

  async #call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw new StorageUnavailableError('cloudinary', operation, reasonOf(error));
    }
  }
}

interface CloudinaryResource {
  bytes: number;
  created_at?: string;
  secure_url: string;
}

function statOf(resource: CloudinaryResource): StoredObject {
  return {
    size: resource.bytes,
    contentType: undefined,
    modified: resource.created_at ? new Date(resource.created_at) : undefined,
  };
}

/**
 * The SDK rejects with plain objects that carry the request options, the API secret among them:
 * only the message is kept.
 */
function reasonOf(error: unknown): Error {
  if (error instanceof Error) return new Error(error.message);
  const wrapped = (error as { error?: { message?: unknown } } | undefined)?.error;
  const message = wrapped?.message ?? (error as { message?: unknown } | undefined)?.message;
  return new Error(message instanceof Error ? message.message : String(message ?? 'Unknown error.'));
}
