import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dialect, dialects, type RequestOptions, startServer, type TestServer } from './helpers.ts';

// What reaches the HTTP layer from outside: auth rate limits by client and collection, and the
// client address behind proxies.

describe.each(dialects)('HTTP layer (%s)', (dialect: Dialect) => {
  let server: TestServer;
  let configured: TestServer;
  let superusersId: string;
  let usersId: string;

  const signIn = (target: TestServer, collection: string, options: RequestOptions = {}) =>
    target.request('POST', `/api/collections/${collection}/auth-with-password`, {
      ...options,
      body: { identity: 'nobody@example.com', password: 'wrong-password' },
    });
  const setAttempts = async (target: TestServer, maxAuthAttemptsPerMinute: number) => {
    const response = await target.request('PATCH', '/api/settings', {
      token: target.adminToken,
      body: { rateLimits: { enabled: true, maxAuthAttemptsPerMinute } },
    });
    expect(response.status).toBe(200);
  };

  beforeAll(async () => {
    server = await startServer(dialect);
    configured = await startServer(dialect, {
      env: { SLUICE_TRUSTED_PROXIES: '127.0.0.1' },
    });
    const collections = await server.request('GET', '/api/collections', { token: server.adminToken });
    const idOf = (name: string) =>
      (collections.body.items as Array<{ id: string; name: string }>).find((c) => c.name === name)!.id;
    superusersId = idOf('_superusers');
    usersId = idOf('users');
    const members = await server.request('POST', '/api/collections', {
      token: server.adminToken,
      body: { name: 'members', type: 'auth' },
    });
    expect(members.status).toBe(200);
    await setAttempts(server, 3);
    await setAttempts(configured, 3);
  });

  afterAll(async () => {
    await server?.stop();
    await configured?.stop();
  });

  describe('auth rate limits', () => {
    it('counts attempts per collection however the URL spells it', async () => {
      const statuses = [];
      for (const spelling of ['users', 'Users', 'USERS', usersId]) {
        statuses.push((await signIn(server, spelling)).status);
      }
      expect(statuses).toEqual([400, 400, 400, 429]);
    });

    it('counts the _superusers attempts in one window too', async () => {
      // the test helper signed the superuser in once already
      const statuses = [];
      for (const spelling of ['_SUPERUSERS', '_Superusers', superusersId]) {
        statuses.push((await signIn(server, spelling)).status);
      }
      expect(statuses).toEqual([400, 400, 429]);
    });

    it('counts the email flows per collection however the URL spells it', async () => {
      const statuses = [];
      for (const spelling of ['users', 'uSers', 'usErs', usersId]) {
        const response = await server.request('POST', `/api/collections/${spelling}/request-verification`, {
          body: { email: 'nobody@example.com' },
        });
        statuses.push(response.status);
      }
      expect(statuses).toEqual([204, 204, 204, 429]);
    });

    it('ignores X-Forwarded-For unless the proxy is trusted', async () => {
      const statuses = [];
      for (let i = 1; i <= 4; i++) {
        const headers = { 'x-forwarded-for': `10.0.0.${i}` };
        statuses.push((await signIn(server, 'members', { headers })).status);
      }
      expect(statuses).toEqual([400, 400, 400, 429]);
    });

    it('counts the client named by a trusted proxy', async () => {
      const from = (address: string) => ({ headers: { 'x-forwarded-for': address } });
      const first = [];
      for (let i = 0; i < 4; i++) first.push((await signIn(configured, 'users', from('10.0.0.1'))).status);
      expect(first).toEqual([400, 400, 400, 429]);
      expect((await signIn(configured, 'users', from('10.0.0.2'))).status).toBe(400);
      // a forged entry before the proxy's own does not help: the proxy appends the real address
      expect((await signIn(configured, 'users', from('10.0.0.2, 10.0.0.1'))).status).toBe(429);
    });
  });
});
