import type PocketBase from 'pocketbase';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGS } from '../packages/server/src/logs/store.ts';
import { timePrefix } from '../packages/server/src/writes/system-items.ts';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  type Dialect,
  dialects,
  startServer,
  type TestServer,
} from './helpers.ts';
import { client, failureOf as errorOf } from './sdk-client.ts';
import { smtpServer } from './smtp.ts';

// PocketBase's request logs, crons API and test email, called through its JS SDK.

describe.each(dialects)('request logs, crons and test email (%s)', (dialect: Dialect) => {
  let server: TestServer;
  let admin: PocketBase;
  let smtp: Awaited<ReturnType<typeof smtpServer>>;
  const scheduledRuns: string[] = [];

  /** Writes what the log buffer holds, so that the requests made so far can be read back. */
  const flushLogs = () => server.app.services.logs.buffer.flush();

  beforeAll(async () => {
    smtp = await smtpServer();
    server = await startServer(dialect, {
      setup: (app) => {
        app.hooks.schedule('0 0 1 1 *', () => void scheduledRuns.push('yearly'), {
          owner: 'reports',
          name: 'yearly-report',
        });
        app.hooks.schedule('30 4 * * *', () => void scheduledRuns.push('nightly'), { owner: 'reports' });
      },
    });
    admin = client(server.url);
    await admin.collection('_superusers').authWithPassword(ADMIN_EMAIL, ADMIN_PASSWORD);
  });

  afterAll(async () => {
    await server?.stop();
    await smtp?.close();
  });

  describe('request logs', () => {
    it('logs each answered request off the request path, as PocketBase does', async () => {
      const guest = client(server.url);
      await guest.health.check({
        headers: { Referer: 'https://app.example/page', 'User-Agent': 'log-test/1' },
      });
      // the buffer writes on its own after a moment: no flush asked for here
      let found: Awaited<ReturnType<typeof admin.logs.getList>> | undefined;
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        found = await admin.logs.getList(1, 10, { filter: 'data.userAgent = "log-test/1"' });
        if (found.totalItems > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(found?.totalItems).toBe(1);
      const log = found!.items[0]!;
      expect(log.message).toBe('GET /api/health');
      expect(log.level).toBe(0);
      expect(log.data).toMatchObject({
        type: 'request',
        method: 'GET',
        url: '/api/health',
        status: 200,
        auth: '',
        userIP: '127.0.0.1',
        remoteIP: '127.0.0.1',
        referer: 'https://app.example/page',
        userAgent: 'log-test/1',
      });
      expect(typeof log.data.execTime).toBe('number');
      // logAuthId is off by default
      expect(log.data.authId).toBeUndefined();
      expect(await admin.logs.getOne(log.id)).toEqual(log);
    });

    it('lists with filters and sorts, and gives a 404 for an unknown id', async () => {
      await errorOf(client(server.url).collection('nope').getList());
      await client(server.url).collection('users').getList(1, 1);
      await flushLogs();
      const failed = await admin.logs.getList(1, 50, { filter: 'data.status >= 400', sort: '-created' });
      expect(failed.items.length).toBeGreaterThan(0);
      expect(failed.items.every((item) => (item.data.status as number) >= 400)).toBe(true);
      const missing = failed.items.find((item) =>
        String(item.data.url).startsWith('/api/collections/nope/records'),
      );
      expect(missing?.level).toBe(4);
      const ascending = await admin.logs.getList(1, 50, { sort: 'created' });
      const created = ascending.items.map((item) => item.created);
      expect(created).toEqual([...created].sort());
      expect((await errorOf(admin.logs.getOne('missing0000000'))).status).toBe(404);
    });

    it('counts the requests per hour, filterable', async () => {
      await flushLogs();
      const all = await admin.logs.getList(1, 1);
      const stats = await admin.logs.getStats();
      expect(stats.reduce((sum, hour) => sum + hour.total, 0)).toBe(all.totalItems);
      for (const hour of stats) expect(hour.date).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:00:00\.000Z$/);
      const failed = await admin.logs.getList(1, 1, { filter: 'data.status >= 400' });
      const failedStats = await admin.logs.getStats({ filter: 'data.status >= 400' });
      expect(failedStats.reduce((sum, hour) => sum + hour.total, 0)).toBe(failed.totalItems);
      expect(failed.totalItems).toBeLessThan(all.totalItems);
    });

    it('keeps tokens and passwords out of the log', async () => {
      const response = await server.request(
        'GET',
        '/api/health?token=secret-token-value&x=1&Password=hunter2',
      );
      expect(response.status).toBe(200);
      await admin.collection('_superusers').authWithPassword(ADMIN_EMAIL, ADMIN_PASSWORD);
      await flushLogs();
      const rows = await server.app.services.logs.database.db
        .selectFrom(LOGS)
        .select(['message', 'data'])
        .execute();
      const text = JSON.stringify(rows);
      expect(text).not.toContain('secret-token-value');
      expect(text).not.toContain('hunter2');
      expect(text).not.toContain(ADMIN_PASSWORD);
      expect(text).not.toContain(admin.authStore.token);
      expect(text).toContain('/api/health?token=REDACTED&x=1&Password=REDACTED');
    });

    it('follows the settings: minLevel, logIP, logAuthId, and maxDays 0 turns it off', async () => {
      await admin.settings.update({ logs: { minLevel: 4, logIP: false, logAuthId: true } });
      await admin.collection('users').getList(1, 1, { headers: { 'User-Agent': 'settings-ok' } });
      await errorOf(admin.collection('nope').getList(1, 1, { headers: { 'User-Agent': 'settings-bad' } }));
      await flushLogs();
      expect((await admin.logs.getList(1, 1, { filter: 'data.userAgent = "settings-ok"' })).totalItems).toBe(
        0,
      );
      const bad = await admin.logs.getList(1, 1, { filter: 'data.userAgent = "settings-bad"' });
      expect(bad.totalItems).toBe(1);
      expect(bad.items[0]!.data.auth).toBe('_superusers');
      expect(bad.items[0]!.data.authId).toBe(admin.authStore.record!.id);
      expect(bad.items[0]!.data.userIP).toBeUndefined();
      expect(bad.items[0]!.data.remoteIP).toBeUndefined();

      await admin.settings.update({ logs: { maxDays: 0, minLevel: 0 } });
      await errorOf(admin.collection('nope').getList(1, 1, { headers: { 'User-Agent': 'logs-off' } }));
      await flushLogs();
      await admin.settings.update({ logs: { maxDays: 5, logIP: true, logAuthId: false } });
      await flushLogs();
      expect((await admin.logs.getList(1, 1, { filter: 'data.userAgent = "logs-off"' })).totalItems).toBe(0);
    });

    it('answers superusers only', async () => {
      const guest = client(server.url);
      expect((await errorOf(guest.logs.getList())).status).toBe(401);
      expect((await errorOf(guest.logs.getStats())).status).toBe(401);
      expect((await errorOf(guest.logs.getOne('anything'))).status).toBe(401);
    });

    it('prunes the rows older than maxDays when the clean-up runs', async () => {
      const old = new Date(Date.now() - 6 * 86_400_000);
      // an id of that time, as the log buffer makes them (sequential ids sort by time)
      const oldId = `${timePrefix(old.getTime())}000old`;
      await server.app.services.logs.database.db
        .insertInto(LOGS)
        .values({
          id: oldId,
          created: old.toISOString().replace('T', ' '),
          level: 0,
          message: 'GET /old',
          data: JSON.stringify({ type: 'request', method: 'GET', url: '/old', status: 200 }),
        })
        .execute();
      expect((await admin.logs.getOne(oldId)).message).toBe('GET /old');
      const before = (await admin.logs.getList(1, 1)).totalItems;
      await admin.crons.run('__pbLogsCleanup__');
      expect((await errorOf(admin.logs.getOne(oldId))).status).toBe(404);
      // the recent rows stay (the clean-up's own request is logged after it ran)
      expect((await admin.logs.getList(1, 1)).totalItems).toBeGreaterThanOrEqual(before - 1);
    });
  });

  describe('crons', () => {
    it("lists every schedule, PocketBase's shape", async () => {
      const jobs = await admin.crons.getFullList();
      const ids = jobs.map((job) => job.id);
      expect(ids).toEqual([...ids].sort((a, b) => a.localeCompare(b)));
      expect(jobs).toContainEqual({ id: 'yearly-report', expression: '0 0 1 1 *' });
      expect(jobs).toContainEqual({ id: 'reports|30 4 * * *', expression: '30 4 * * *' });
      expect(jobs).toContainEqual({ id: '__pbLogsCleanup__', expression: '0 */6 * * *' });
      expect(ids).toContain('__sluiceActivityCleanup__');
      for (const job of jobs) expect(Object.keys(job).sort()).toEqual(['expression', 'id']);
    });

    it('runs one now, and says which does not exist', async () => {
      expect(await admin.crons.run('yearly-report')).toBe(true);
      expect(scheduledRuns).toEqual(['yearly']);
      expect(await admin.crons.run('reports|30 4 * * *')).toBe(true);
      expect(scheduledRuns).toEqual(['yearly', 'nightly']);
      const missing = await errorOf(admin.crons.run('no-such-job'));
      expect(missing.status).toBe(404);
      expect(missing.message).toContain('no-such-job');
    });

    it('answers superusers only', async () => {
      const guest = client(server.url);
      expect((await errorOf(guest.crons.getFullList())).status).toBe(401);
      expect((await errorOf(guest.crons.run('yearly-report'))).status).toBe(401);
      expect(scheduledRuns).toEqual(['yearly', 'nightly']);
    });
  });

  it('answers a route that does not exist with a 404 naming it', async () => {
    const response = await server.request('PATCH', '/api/no/such/route?token=abc');
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({
      status: 404,
      code: 'SLUICE_ERR_NOT_FOUND',
      message: 'The route PATCH /api/no/such/route does not exist.',
    });
    expect(response.text).not.toContain('abc');
  });

  it('sends a test email with the SDK', async () => {
    await admin.settings.update({ smtp: { enabled: true, host: '127.0.0.1', port: smtp.port } });
    expect(await admin.settings.testEmail('_superusers', 'someone@example.com', 'verification')).toBe(true);
    const mail = smtp.received.find((received) => received.to.includes('someone@example.com'));
    expect(mail?.subject).toContain('test email (verification)');
    const bad = await errorOf(admin.settings.testEmail('_superusers', 'not-an-address', 'verification'));
    expect(bad.status).toBe(400);
    expect(bad.response.data.email.code).toBe('validation_invalid_email');
  });
});
