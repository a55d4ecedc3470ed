import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSettings } from '../settings/defaults.ts';
import { StorageUnavailableError } from './errors.ts';
import { GcsDriver, type GcsOptions } from './gcs.ts';
import { closedPort, type RecordedRequest, sendJson, startStandIn } from './testing.ts';

/**
 * No Google Cloud Storage server runs here: the SDK talks to a local stand-in that keeps objects
 * in memory and records each request, so these tests check what the SDK sends for each operation.
 */
const objects = new Map<string, { body: Buffer; contentType: string }>();

function objectResource(name: string) {
  const found = objects.get(name);
  return {
    kind: 'storage#object',
    bucket: 'media',
    name,
    size: String(found?.body.length ?? 0),
    contentType: found?.contentType,
    updated: '2026-01-02T03:04:05.000Z',
  };
}

/** The object's content out of a multipart/related upload: metadata part, then the bytes. */
function uploaded(request: RecordedRequest): { metadata: Record<string, string>; body: Buffer } {
  const boundary = /boundary=([^;]+)/.exec(String(request.headers['content-type']))?.[1] ?? '';
  const parts = request.body.toString('latin1').split(`--${boundary}`).slice(1, -1);
  const content = (part: string) => part.slice(part.indexOf('\r\n\r\n') + 4, -2);
  return {
    metadata: JSON.parse(content(parts[0])) as Record<string, string>,
    body: Buffer.from(content(parts[1]), 'latin1'),
  };
}

function answer(request: RecordedRequest, response: import('node:http').ServerResponse) {
  const url = new URL(request.url, 'http://stand-in');
  const objectPath = /^\/storage\/v1\/b\/media\/o\/(.+)$/.exec(url.pathname);
  if (request.method === 'POST' && url.pathname === '/upload/storage/v1/b/media/o') {
    const { metadata, body } = uploaded(request);
    const name = url.searchParams.get('name') ?? '';
    objects.set(name, { body, contentType: metadata.contentType });
    return sendJson(response, 200, objectResource(name));
  }
  if (request.method === 'GET' && url.pathname === '/storage/v1/b/media/o') {
    const prefix = url.searchParams.get('prefix') ?? '';
    const items = [...objects.keys()].filter((name) => name.startsWith(prefix)).map(objectResource);
    return sendJson(response, 200, { kind: 'storage#objects', items });
  }
  const name = objectPath ? decodeURIComponent(objectPath[1]) : '';
  const found = objects.get(name);
  if (!found) return sendJson(response, 404, { error: { code: 404, message: 'No such object.' } });
  if (request.method === 'DELETE') {
    objects.delete(name);
    response.writeHead(204).end();
    return;
  }
  if (url.searchParams.get('alt') === 'media') {
    response.writeHead(200, { 'content-type': found.contentType });
    response.end(found.body);
    return;
  }
  return sendJson(response, 200, objectResource(name));
}

let standIn: Awaited<ReturnType<typeof startStandIn>>;
let options: GcsOptions;
let driver: GcsDriver;

beforeAll(async () => {
  standIn = await startStandIn(answer);
  options = { ...defaultSettings().gcs, bucket: 'media', projectId: 'sluice-test', endpoint: standIn.url };
  driver = new GcsDriver(options);
});

afterAll(async () => {
  await driver?.close();
  await standIn?.close();
});

describe('GcsDriver (against a local stand-in of the JSON API)', () => {
  it('uploads an object in one multipart request to the configured endpoint, without credentials', async () => {
    standIn.requests.length = 0;
    const bytes = Buffer.from([0, 1, 2, 250, 251, 255]);
    await driver.put('c1/r1/a.bin', bytes, { contentType: 'application/octet-stream' });
    await driver.put('c1/r1/b.txt', Readable.from([Buffer.from('str'), Buffer.from('eam')]), {
      contentType: 'text/plain',
    });
    const [first] = standIn.requests;
    expect(first.method).toBe('POST');
    const url = new URL(first.url, standIn.url);
    expect(url.pathname).toBe('/upload/storage/v1/b/media/o');
    expect(url.searchParams.get('uploadType')).toBe('multipart');
    expect(url.searchParams.get('name')).toBe('c1/r1/a.bin');
    expect(first.headers.authorization).toBeUndefined();
    expect(uploaded(first)).toEqual({
      metadata: expect.objectContaining({ contentType: 'application/octet-stream' }),
      body: bytes,
    });
    expect(objects.get('c1/r1/b.txt')?.body.toString()).toBe('stream');
  });

  it('reads an object and what is known of it', async () => {
    const found = await driver.get('c1/r1/b.txt');
    expect(found).toMatchObject({ size: 6, contentType: 'text/plain' });
    expect(found?.modified?.toISOString()).toBe('2026-01-02T03:04:05.000Z');
    expect((await buffer(found!.body)).toString()).toBe('stream');
    expect(standIn.requests.at(-1)?.url).toMatch(
      /^\/storage\/v1\/b\/media\/o\/c1%2Fr1%2Fb\.txt\?.*alt=media/,
    );
    expect(await driver.get('c1/r1/none.txt')).toBeUndefined();
  });

  it('deletes one object, quietly when it is missing, and every object under a prefix', async () => {
    await driver.put('p1/r1/a.txt', Buffer.from('a'), { contentType: 'text/plain' });
    await driver.put('p1/r2/b.txt', Buffer.from('b'), { contentType: 'text/plain' });
    standIn.requests.length = 0;
    await driver.delete('c1/r1/a.bin');
    await driver.delete('c1/r1/a.bin');
    expect(standIn.requests.map((request) => request.method)).toEqual(['DELETE', 'DELETE']);
    await driver.deletePrefix('p1/r1/');
    expect(standIn.requests[2].url).toMatch(/^\/storage\/v1\/b\/media\/o\?.*prefix=p1%2Fr1%2F/);
    expect([...objects.keys()].filter((name) => name.startsWith('p1/'))).toEqual(['p1/r2/b.txt']);
  });

  it('passes its test and leaves nothing behind', async () => {
    const before = [...objects.keys()];
    await driver.test();
    expect([...objects.keys()]).toEqual(before);
  });

  it('reports a closed port and a missing bucket as unavailable', async () => {
    const refused = new GcsDriver({ ...options, endpoint: `http://127.0.0.1:${await closedPort()}` });
    await expect(refused.put('c1/r1/x.txt', Buffer.from('x'), { contentType: 'text/plain' })).rejects.toThrow(
      StorageUnavailableError,
    );
    await expect(refused.stat('c1/r1/x.txt')).rejects.toMatchObject({ driver: 'gcs', operation: 'read' });
    await expect(new GcsDriver({ ...options, bucket: '' }).test()).rejects.toMatchObject({
      reason: 'No bucket is set.',
    });
  });
});
