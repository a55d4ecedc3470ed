import { InvalidPayloadError, SluiceError } from '@sluice/hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { bootstrapTestApp } from '../../app/testing.ts';
import { startThreadReceiver } from '../../blocking/testing.ts';
import { setupHooks } from '../testing.ts';
import type { ExtensionContext } from '../types.ts';
import {
  pocketbaseCron,
  pocketbaseDao,
  pocketbaseErrors,
  pocketbaseHelpers,
  RecordClass,
} from './pocketbase-app.ts';
import type { PocketBaseRecord } from './pocketbase-record.ts';
import { currentWrites, trackWrites } from './pocketbase-writes.ts';

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

describe('PocketBase hook file helpers', () => {
  it('gives the error classes PocketBase’s signatures and Sluice’s statuses', () => {
    const { ApiError, BadRequestError, NotFoundError, ForbiddenError, UnauthorizedError } = pocketbaseErrors;
    const bad = new BadRequestError('Nope.', { title: { code: 'too_short', message: 'Too short.' } });
    expect(bad).toBeInstanceOf(InvalidPayloadError);
    expect(bad.toJSON()).toMatchObject({
      status: 400,
      message: 'Nope.',
      data: { title: { code: 'too_short' } },
    });
    expect(new ApiError(418, 'Teapot.')).toMatchObject({ status: 418, code: 'SLUICE_ERR_HTTP_418' });
    expect(new ApiError(403, 'No.')).toBeInstanceOf(SluiceError);
    expect([new UnauthorizedError(), new ForbiddenError(), new NotFoundError()].map((e) => e.status)).toEqual(
      [401, 403, 404],
    );
  });

  it('sends HTTP requests with $http.send synchronously, answering as PocketBase does', async () => {
    const receiver = await startThreadReceiver();
    closers.push(() => void receiver.close());
    const response = pocketbaseHelpers.$http.send({
      url: `${receiver.url}/x`,
      method: 'post',
      body: JSON.stringify({ a: 1 }),
      headers: { 'content-type': 'application/json' },
      timeout: 5,
    });
    expect(response).toMatchObject({
      statusCode: 201,
      json: { received: { a: 1 }, method: 'POST' },
      raw: '{"received":{"a":1},"method":"POST"}',
    });
    expect(response.headers['X-Receiver']).toEqual(['thread']);
    expect(response.headers['Content-Type']).toEqual(['application/json']);
    expect(response.cookies.session).toMatchObject({
      name: 'session',
      value: 'abc123',
      path: '/',
      httpOnly: true,
      maxAge: 60,
    });
    expect(response.cookies.theme?.value).toBe('dark');
    // PocketBase's older `data`: sent as JSON with its content type
    const legacy = pocketbaseHelpers.$http.send({
      url: `${receiver.url}/missing`,
      method: 'PUT',
      data: { b: 2 },
    });
    expect(legacy).toMatchObject({ statusCode: 404, json: { received: { b: 2 }, method: 'PUT' } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(receiver.received.map((r) => [r.method, r.url, r.headers['content-type']])).toEqual([
      ['POST', '/x', 'application/json'],
      ['PUT', '/missing', 'application/json'],
    ]);
  });

  it('throws when $http.send times out or cannot connect', async () => {
    const receiver = await startThreadReceiver();
    closers.push(() => void receiver.close());
    expect(() => pocketbaseHelpers.$http.send({ url: `${receiver.url}/slow`, timeout: 1 })).toThrow(
      /timeout/i,
    );
    expect(() => pocketbaseHelpers.$http.send({ url: 'http://127.0.0.1:1/' })).toThrow(
      /ECONNREFUSED|fetch failed/,
    );
    expect(() => pocketbaseHelpers.$http.send({ url: '' })).toThrow(/url/);
  });

  it('makes random strings', () => {
    const random = pocketbaseHelpers.$security.randomString(24);
    expect(random).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(pocketbaseHelpers.$security.randomString(24)).not.toBe(random);
  });

  it('names each cron job, replaces one added again under its name, and removes it by name', () => {
    const { hooks } = setupHooks();
    const { cronAdd, cronRemove } = pocketbaseCron(hooks, 'pb_hooks/main.pb.js');
    cronAdd('tidy', '0 3 * * *', () => {});
    cronAdd('tidy', '0 4 * * *', () => {});
    cronAdd('report', '0 0 * * *', () => {});
    expect(hooks.schedules().map(({ name, expression }) => ({ name, expression }))).toEqual([
      { name: 'tidy', expression: '0 4 * * *' },
      { name: 'report', expression: '0 0 * * *' },
    ]);
    cronRemove('tidy');
    expect(hooks.schedules().map((schedule) => schedule.expression)).toEqual(['0 0 * * *']);
  });

  it('runs a cron job until the writes it started without await are done', async () => {
    const { hooks } = setupHooks();
    const { cronAdd } = pocketbaseCron(hooks, 'pb_hooks/main.pb.js');
    const done: string[] = [];
    cronAdd('report', '0 0 * * *', () => {
      currentWrites()?.start(async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        done.push('written');
      });
    });
    await hooks.runSchedule('report');
    expect(done).toEqual(['written']);
  });

  it('reads through the dao synchronously, decoded as the API decodes, and tracks its writes', async () => {
    const { app, cleanup } = await bootstrapTestApp();
    closers.push(() => void cleanup());
    await app.services.collections.create(
      {
        name: 'books',
        type: 'base',
        fields: [
          { name: 'title', type: 'text' },
          { name: 'pages', type: 'number' },
          { name: 'out', type: 'bool' },
          { name: 'genres', type: 'select', values: ['a', 'b', 'c'], maxSelect: 3 },
          { name: 'meta', type: 'json' },
        ],
      },
      app.context(),
    );
    const created = await app.services.records.create('books', {
      title: 'One',
      pages: 120,
      out: true,
      genres: ['a', 'c'],
      meta: { shelf: 3 },
    });
    await app.services.records.create('books', { title: 'Two', pages: 80 });
    const seenByHooks: string[] = [];
    app.hooks.filter('records.create', (payload: { title?: string }) => {
      seenByHooks.push(String(payload.title));
      return payload;
    });
    const dao = pocketbaseDao({ services: app.services, logger: app.logger } as unknown as ExtensionContext);

    const one = dao.findRecordById('books', created.id);
    expect(one).not.toBeInstanceOf(Promise);
    expect([
      one.getInt('pages'),
      one.getBool('out'),
      one.get('genres'),
      one.get('meta'),
      one.collectionName,
    ]).toEqual([120, true, ['a', 'c'], { shelf: 3 }, 'books']);
    const byFilter = dao.findRecordsByFilter('books', 'pages > {:min}', '-pages', 10, 0, { min: 50 });
    expect(byFilter.map((record) => record.get('title'))).toEqual(['One', 'Two']);
    expect(dao.findRecordsByFilter('books', 'pages > 0', 'pages', 1, 1).map((r) => r.get('title'))).toEqual([
      'One',
    ]);
    expect(dao.findFirstRecordByFilter('books', 'title = {:t}', { t: 'Two' }).getBool('out')).toBe(false);
    expect(dao.findFirstRecordByData('books', 'title', 'One').id).toBe(created.id);
    expect(dao.findRecordsByIds('books', [created.id, 'nosuchid']).map((r) => r.id)).toEqual([created.id]);
    expect(() => dao.findRecordById('books', 'nosuchid')).toThrow(expect.objectContaining({ status: 404 }));

    let idAtOnce: unknown;
    let readAfterSave: number | undefined;
    await trackWrites(() => {
      const fresh = RecordClass('books', { title: 'Three', pages: 10 }) as PocketBaseRecord;
      dao.saveRecord(fresh);
      idAtOnce = fresh.id;
      one.set('pages', 121);
      dao.saveRecord(one);
      readAfterSave = dao.findRecordById('books', created.id).getInt('pages');
    });
    expect(idAtOnce).toMatch(/^[a-z0-9]{15}$/);
    expect(readAfterSave).toBe(120);
    expect(dao.findRecordById('books', created.id).getInt('pages')).toBe(121);
    expect(dao.findRecordById('books', String(idAtOnce)).get('title')).toBe('Three');
    expect(seenByHooks).toEqual(['Three']);

    // a record not read through the dao (an event's `e.record`) is updated when its id is stored
    const fromEvent = RecordClass('books', { ...created, pages: 200 }) as PocketBaseRecord;
    await dao.saveRecord(fromEvent);
    expect(dao.findRecordById('books', created.id).getInt('pages')).toBe(200);
    expect(seenByHooks).toEqual(['Three']);

    const removed = trackWrites(() => {
      dao.deleteRecord(dao.findRecordById('books', String(idAtOnce)));
    });
    await removed;
    expect(dao.findRecordsByFilter('books', "title = 'Three'")).toEqual([]);
  });
});
