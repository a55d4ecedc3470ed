import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dialect, dialects, type RequestOptions, startServer, type TestServer } from './helpers.ts';

// What reaches the HTTP layer from outside: auth rate limits by client and collection, the
// client address behind proxies, CORS and the headers every answer carries.

const OTHER_ORIGIN = 'https://elsewhere.example';
const ALLOWED_ORIGIN = 'https://app.example';

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
      env: {
        SLUICE_TRUSTED_PROXIES: '127.0.0.1',
        SLUICE_ORIGINS: `${ALLOWED_ORIGIN}, https://admin.example`,
      },
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

  describe('CORS and headers', () => {
    it('answers a preflight with 204 and what may be sent', async () => {
      const response = await server.request('OPTIONS', '/api/collections/users/records/abc', {
        headers: {
          origin: OTHER_ORIGIN,
          'access-control-request-method': 'PATCH',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      const methods = response.headers.get('access-control-allow-methods')?.split(/,\s*/);
      expect(methods).toEqual(expect.arrayContaining(['GET', 'POST', 'PATCH', 'DELETE']));
      expect(response.headers.get('access-control-allow-headers')).toBe('authorization,content-type');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    });

    it('lets any origin read answers and errors by default', async () => {
      for (const path of ['/api/health', '/api/collections/nope/records', '/api/nothing']) {
        const response = await server.request('GET', path, { headers: { origin: OTHER_ORIGIN } });
        expect(response.headers.get('access-control-allow-origin'), path).toBe('*');
      }
      const unauthorized = await server.request('GET', '/api/settings', {
        headers: { origin: OTHER_ORIGIN },
        token: 'not-a-token',
      });
      expect(unauthorized.status).toBe(401);
      expect(unauthorized.headers.get('access-control-allow-origin')).toBe('*');
    });

    it('lets the realtime stream be read from another origin', async () => {
      const controller = new AbortController();
      const response = await fetch(`${server.url}/api/realtime`, {
        headers: { origin: OTHER_ORIGIN },
        signal: controller.signal,
      });
      controller.abort();
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    });

    it('allows only the configured origins', async () => {
      const allowed = await configured.request('GET', '/api/health', { headers: { origin: ALLOWED_ORIGIN } });
      expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
      expect(allowed.headers.get('vary')).toMatch(/origin/i);
      const other = await configured.request('GET', '/api/health', { headers: { origin: OTHER_ORIGIN } });
      expect(other.status).toBe(200);
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      const preflight = await configured.request('OPTIONS', '/api/health', {
        headers: { origin: OTHER_ORIGIN, 'access-control-request-method': 'GET' },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('tells browsers not to sniff types nor frame the API elsewhere', async () => {
      for (const path of ['/api/health', '/api/nothing']) {
        const response = await server.request('GET', path);
        expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
        expect(response.headers.get('x-frame-options'), path).toBe('SAMEORIGIN');
      }
    });

    it('answers 431 to headers too large, in the error shape', async () => {
      const response = await server.request('GET', '/api/health', {
        headers: { origin: OTHER_ORIGIN, 'x-padding': 'a'.repeat(20_000) },
      });
      expect(response.status).toBe(431);
      expect(response.body).toEqual({
        status: 431,
        code: 'SLUICE_ERR_HEADERS_TOO_LARGE',
        message: expect.any(String),
        data: {},
      });
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    });

    it('answers a request it cannot parse with 400, in the error shape', async () => {
      const { port } = new URL(server.url);
      const answer = await new Promise<string>((resolve) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.end('NOT HTTP AT ALL\r\n\r\n'));
        let text = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk) => {
          text += chunk;
        });
        // the server may reset the connection after its answer: what came before counts
        socket.on('close', () => resolve(text));
        socket.on('error', () => resolve(text));
      });
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({
        status: 400,
        code: 'SLUICE_ERR_BAD_REQUEST',
        data: {},
      });
    });
  });
});
