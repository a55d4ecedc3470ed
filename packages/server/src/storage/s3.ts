import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import type * as AwsS3 from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { lazyModule } from '../lazy-module.ts';
import type { Settings } from '../settings/defaults.ts';
import { StorageUnavailableError } from './errors.ts';
import { safeKey, safePrefix } from './keys.ts';
import type { ByteRange, ObjectStream, StorageDriver, StoredObject } from './types.ts';

export type S3Options = Settings['s3'];

const sdk = lazyModule<typeof AwsS3>('@aws-sdk/client-s3');

/** Objects in an S3-compatible bucket (AWS, R2, MinIO, …), with PocketBase's `s3` settings. */
export class S3Driver implements StorageDriver {
  readonly name = 's3' as const;
  #client: S3Client | undefined;

  constructor(private readonly options: S3Options) {}

  #s3(operation: string): S3Client {
    const { bucket, region, endpoint, accessKey, secret, forcePathStyle } = this.options;
    if (!bucket) throw new StorageUnavailableError('s3', operation, new Error('No bucket is set.'));
    this.#client ??= new (sdk().S3Client)({
      region: region || 'us-east-1',
      endpoint: endpoint || undefined,
      forcePathStyle,
      credentials: accessKey ? { accessKeyId: accessKey, secretAccessKey: secret } : undefined,
      // with the default (a checksum trailer on every upload) S3-compatible servers that do not
      // know aws-chunked encoding store the chunk framing as part of a streamed object
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 2,
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
    });
    return this.#client;
  }

  async put(key: string, body: Buffer | Readable, options: { contentType: string; size?: number }) {
    safeKey(key);
    await this.#call('write', async (s3) => {
      // a stream of unknown length cannot be sent in one PutObject
      const sized = Buffer.isBuffer(body) || options.size !== undefined ? body : await buffer(body);
      await s3.send(
        new (sdk().PutObjectCommand)({
          Bucket: this.options.bucket,
          Key: key,
          Body: sized,
          ContentType: options.contentType,
          ContentLength: Buffer.isBuffer(sized) ? sized.length : options.size,
        }),
      );
    });
  }

  async get(key: string, range?: ByteRange): Promise<ObjectStream | undefined> {
    safeKey(key);
    return this.#call('read', async (s3) => {
      const found = await missingAsUndefined(
        s3.send(
          new (sdk().GetObjectCommand)({
            Bucket: this.options.bucket,
            Key: key,
            Range: range && `bytes=${range.start}-${range.end}`,
          }),
        ),
      );
      if (!found) return undefined;
      // a ranged answer says which bytes it holds and the whole size: `bytes 0-9/1234`
      const sent = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(found.ContentRange ?? '');
      return {
        size: sent ? Number(sent[3]) : (found.ContentLength ?? 0),
        contentType: found.ContentType,
        modified: found.LastModified,
        body: found.Body as Readable,
        range: sent ? { start: Number(sent[1]), end: Number(sent[2]) } : undefined,
      };
    });
  }

  async stat(key: string): Promise<StoredObject | undefined> {
    safeKey(key);
    return this.#call('read', async (s3) => {
      const found = await missingAsUndefined(
        s3.send(new (sdk().HeadObjectCommand)({ Bucket: this.options.bucket, Key: key })),
      );
      if (!found) return undefined;
      return { size: found.ContentLength ?? 0, contentType: found.ContentType, modified: found.LastModified };
    });
  }

  async delete(key: string): Promise<void> {
    safeKey(key);
    await this.#call('delete', (s3) =>
      s3.send(new (sdk().DeleteObjectCommand)({ Bucket: this.options.bucket, Key: key })),
    );
  }

  async deletePrefix(prefix: string): Promise<void> {
    safePrefix(prefix);
    await this.#call('delete', async (s3) => {
      let token: string | undefined;
      do {
        const page = await s3.send(
          new (sdk().ListObjectsV2Command)({
            Bucket: this.options.bucket,
            Prefix: prefix,
            ContinuationToken: token,
          }),
        );
        const keys = (page.Contents ?? []).flatMap((item) => (item.Key ? [{ Key: item.Key }] : []));
        if (keys.length > 0)
          await s3.send(
            new (sdk().DeleteObjectsCommand)({ Bucket: this.options.bucket, Delete: { Objects: keys } }),
          );
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    });
  }

  /** The objects at the top of the bucket (none under a `/`), for backups kept there. */
  async listTop(): Promise<({ key: string } & StoredObject)[]> {
    return this.#call('read', async (s3) => {
      const found: ({ key: string } & StoredObject)[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(
          new (sdk().ListObjectsV2Command)({
            Bucket: this.options.bucket,
            Delimiter: '/',
            ContinuationToken: token,
          }),
        );
        for (const item of page.Contents ?? []) {
          if (item.Key)
            found.push({
              key: item.Key,
              size: item.Size ?? 0,
              contentType: undefined,
              modified: item.LastModified,
            });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return found;
    });
  }

  async test(): Promise<void> {
    const key = `sluice_storage_test_${randomBytes(5).toString('hex')}/test.txt`;
    await this.put(key, Buffer.from('ok'), { contentType: 'text/plain' });
    await this.delete(key);
  }

  async close(): Promise<void> {
    this.#client?.destroy();
    this.#client = undefined;
  }

  async #call<T>(operation: string, run: (s3: S3Client) => Promise<T>): Promise<T> {
    const s3 = this.#s3(operation);
    try {
      return await run(s3);
    } catch (error) {
      throw new StorageUnavailableError('s3', operation, error);
    }
  }
}

/** A 404 (no such key) as undefined; every other failure goes on. */
async function missingAsUndefined<T>(request: Promise<T>): Promise<T | undefined> {
  try {
    return await request;
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404 && (error as Error).name !== 'NoSuchBucket') return undefined;
    throw error;
  }
}
