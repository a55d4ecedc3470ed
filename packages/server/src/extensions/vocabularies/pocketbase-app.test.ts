import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidPayloadError, SluiceError } from '@sluice/hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { setupHooks } from '../testing.ts';
import { pocketbaseCron, pocketbaseErrors, pocketbaseHelpers } from './pocketbase-app.ts';

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

  it('sends HTTP requests with $http.send and makes random strings', async () => {
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        response.writeHead(201, { 'content-type': 'application/json', 'x-seen': request.method ?? '' });
        response.end(JSON.stringify({ got: JSON.parse(body) }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => server.close());
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const response = await pocketbaseHelpers.$http.send({ url, method: 'POST', body: { a: 1 } });
    expect(response).toMatchObject({
      statusCode: 201,
      json: { got: { a: 1 } },
      headers: { 'x-seen': 'POST' },
    });
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
});
