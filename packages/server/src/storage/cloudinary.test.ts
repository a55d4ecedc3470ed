import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSettings } from '../settings/defaults.ts';
import { CloudinaryDriver, type CloudinaryOptions } from './cloudinary.ts';
import { StorageUnavailableError } from './errors.ts';
import { closedPort, type RecordedRequest, sendJson, startStandIn } from './testing.ts';

/**
 * No Cloudinary account is reached: the SDK talks to a local stand-in of the upload and admin
 * APIs (and of the delivery host) that keeps assets in memory and records each request, so these
 * tests check what the SDK sends for each operation.
 */
const assets = new Map<string, Buffer>();
let standIn: Awaited<ReturnType<typeof startStandIn>>;

/** The named fields (and the file) of a multipart/form-data body. */
function formFields(request: RecordedRequest): Record<string, Buffer> {
  const boundary = /boundary=([^;]+)/.exec(String(request.headers['content-type']))?.[1] ?? '';
  const fields: Record<string, Buffer> = {};
  for (const part of request.body.toString('latin1').split(`--${boundary}`).slice(1, -1)) {
    const name = /name="([^"]+)"/.exec(part)?.[1] ?? '';
    fields[name] = Buffer.from(part.slice(part.indexOf('\r\n\r\n') + 4, -2), 'latin1');
  }
  return fields;
}

function fieldsOf(fields: Record<string, Buffer>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, value.toString()]));
}

function resource(publicId: string) {
  return {
    public_id: publicId,
    resource_type: 'raw',
    type: 'upload',
    bytes: assets.get(publicId)?.length ?? 0,
    created_at: '2026-01-02T03:04:05Z',
    secure_url: `${standIn.url}/delivery/${publicId}`,
  };
}

function answer(request: RecordedRequest, response: ServerResponse) {
  const url = new URL(request.url, standIn.url);
  const path = decodeURIComponent(url.pathname);
  if (request.method === 'POST' && path === '/v1_1/demo/raw/upload') {
    const fields = formFields(request);
    const publicId = fields.public_id.toString();
    assets.set(publicId, fields.file);
    return sendJson(response, 200, resource(publicId));
  }
  if (request.method === 'POST' && path === '/v1_1/demo/raw/destroy') {
    const publicId = formFields(request).public_id.toString();
    const existed = assets.delete(publicId);
    return sendJson(response, 200, { result: existed ? 'ok' : 'not found' });
  }
  if (request.method === 'DELETE' && path === '/v1_1/demo/resources/raw/upload') {
    const prefix =
      url.searchParams.get('prefix') ?? new URLSearchParams(request.body.toString()).get('prefix');
    const deleted: Record<string, string> = {};
    for (const id of [...assets.keys()])
      if (prefix && id.startsWith(prefix)) deleted[id] = String(assets.delete(id) && 'deleted');
    return sendJson(response, 200, { deleted, partial: false });
  }
  const asset = /^\/v1_1\/demo\/resources\/raw\/upload\/(.+)$/.exec(path)?.[1];
  if (request.method === 'GET' && asset) {
    if (!assets.has(asset))
      return sendJson(response, 404, { error: { message: `Resource not found - ${asset}` } });
    return sendJson(response, 200, resource(asset));
  }
  const delivered = /^\/delivery\/(.+)$/.exec(path)?.[1];
  if (request.method === 'GET' && delivered && assets.has(delivered)) {
    response.writeHead(200, { 'content-type': 'application/octet-stream' });
    response.end(assets.get(delivered));
    return;
  }
  sendJson(response, 404, { error: { message: 'Unknown path.' } });
}

let options: CloudinaryOptions;
let driver: CloudinaryDriver;

beforeAll(async () => {
  standIn = await startStandIn(answer);
  options = {
    ...defaultSettings().cloudinary,
    cloudName: 'demo',
    apiKey: '1234',
    apiSecret: 'cloudinary-secret',
    apiHost: standIn.url,
    folder: 'sluice',
  };
  driver = new CloudinaryDriver(options);
});

afterAll(async () => {
  await driver?.close();
  await standIn?.close();
});

describe('CloudinaryDriver (against a local stand-in of the upload and admin APIs)', () => {
  it('uploads a raw asset under the folder, signed, without sending the API secret', async () => {
    standIn.requests.length = 0;
    const bytes = Buffer.from([0, 1, 2, 250, 251, 255]);
    await driver.put('c1/r1/a.bin', bytes, { contentType: 'application/octet-stream' });
    await driver.put('c1/r1/b.txt', Readable.from([Buffer.from('str'), Buffer.from('eam')]), {
      contentType: 'text/plain',
    });
    const [first] = standIn.requests;
    expect(first.method).toBe('POST');
    expect(first.url).toBe('/v1_1/demo/raw/upload');
    const fields = formFields(first);
    expect(fields.public_id.toString()).toBe('sluice/c1/r1/a.bin');
    expect(fields.api_key.toString()).toBe('1234');
    expect(fields.signature.toString()).toMatch(/^[0-9a-f]{40}$/);
    expect(fields.file.equals(bytes)).toBe(true);
    expect(first.body.includes('cloudinary-secret')).toBe(false);
    expect(assets.get('sluice/c1/r1/b.txt')?.toString()).toBe('stream');
  });

  it('reads an asset through the admin API and its delivery URL', async () => {
    standIn.requests.length = 0;
    const found = await driver.get('c1/r1/b.txt');
    expect(found).toMatchObject({ size: 6 });
    expect((await buffer(found!.body)).toString()).toBe('stream');
    const [lookup] = standIn.requests;
    expect(lookup.url).toMatch(/^\/v1_1\/demo\/resources\/raw\/upload\/sluice%2Fc1%2Fr1%2Fb\.txt/);
    expect(lookup.headers.authorization).toBe(
      `Basic ${Buffer.from('1234:cloudinary-secret').toString('base64')}`,
    );
    expect(await driver.stat('c1/r1/none.txt')).toBeUndefined();
  });

  it('destroys one asset, quietly when it is missing, and every asset under a prefix', async () => {
    await driver.put('p1/r1/a.txt', Buffer.from('a'), { contentType: 'text/plain' });
    await driver.put('p1/r2/b.txt', Buffer.from('b'), { contentType: 'text/plain' });
    standIn.requests.length = 0;
    await driver.delete('c1/r1/a.bin');
    await driver.delete('c1/r1/a.bin');
    expect(assets.has('sluice/c1/r1/a.bin')).toBe(false);
    const destroyed = formFields(standIn.requests[0]);
    expect(fieldsOf(destroyed)).toMatchObject({ public_id: 'sluice/c1/r1/a.bin', invalidate: 'true' });
    expect(standIn.requests[0].body.includes('cloudinary-secret')).toBe(false);
    standIn.requests.length = 0;
    await driver.deletePrefix('p1/r1/');
    expect(standIn.requests[0].method).toBe('DELETE');
    expect(standIn.requests[0].body.toString()).toBe('prefix=sluice%2Fp1%2Fr1%2F');
    expect([...assets.keys()].filter((id) => id.startsWith('sluice/p1/'))).toEqual(['sluice/p1/r2/b.txt']);
  });

  it('passes its test and leaves nothing behind', async () => {
    const before = [...assets.keys()];
    await driver.test();
    expect([...assets.keys()]).toEqual(before);
  });

  it('reports a closed port and a missing account as unavailable, without the secret in the reason', async () => {
    const refused = new CloudinaryDriver({ ...options, apiHost: `http://127.0.0.1:${await closedPort()}` });
    const failure = refused.put('c1/r1/x.txt', Buffer.from('x'), { contentType: 'text/plain' });
    await expect(failure).rejects.toThrow(StorageUnavailableError);
    const error = (await failure.catch((caught: unknown) => caught)) as StorageUnavailableError;
    expect(error.reason).toMatch(/ECONNREFUSED/);
    expect(JSON.stringify(error.cause)).not.toContain('cloudinary-secret');
    await expect(refused.stat('c1/r1/x.txt')).rejects.toMatchObject({
      driver: 'cloudinary',
      operation: 'read',
    });
    await expect(new CloudinaryDriver({ ...options, cloudName: '' }).test()).rejects.toThrow(
      StorageUnavailableError,
    );
    await refused.close();
  });
});
