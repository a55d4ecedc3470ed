import type { FastifyReply, FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { KEEP_ALL, logSettings, redactUrl, requestLog } from './request.ts';
import type { LogEntry } from './store.ts';

const entry = (status: number, level: number): LogEntry => ({
  id: 'a',
  created: '2030-01-01 00:00:00.000Z',
  level,
  message: 'GET /x',
  data: {
    type: 'request',
    method: 'GET',
    url: '/x',
    status,
    execTime: 1.5,
    auth: 'users',
    authId: 'u1',
    userIP: '10.0.0.1',
    remoteIP: '127.0.0.1',
    referer: '',
    userAgent: 'ua',
  },
});

const defaults = { maxDays: 5, minLevel: 0, logIP: true, logAuthId: false };

describe('redactUrl', () => {
  it('hides the values of tokens, passwords, secrets and codes, and keeps the rest', () => {
    expect(redactUrl('/api/files/c/r/a.png?token=abc.def&thumb=100x100')).toBe(
      '/api/files/c/r/a.png?token=REDACTED&thumb=100x100',
    );
    expect(redactUrl('/cb?code=xyz&state=s&client%5Fsecret=s3&PASSWORD=p&refresh_token=r')).toBe(
      '/cb?code=REDACTED&state=s&client%5Fsecret=REDACTED&PASSWORD=REDACTED&refresh_token=REDACTED',
    );
    expect(redactUrl('/api/health')).toBe('/api/health');
    expect(redactUrl('/a?%E0%A4%A=1&token')).toBe('/a?%E0%A4%A=1&token=REDACTED');
  });
});

describe('logSettings', () => {
  it('keeps the addresses, and leaves the caller id out, by default', () => {
    const kept = logSettings(entry(200, 0), defaults)!;
    expect(kept.data.userIP).toBe('10.0.0.1');
    expect(kept.data.remoteIP).toBe('127.0.0.1');
    expect(kept.data).not.toHaveProperty('authId');
  });

  it('follows logIP and logAuthId', () => {
    const kept = logSettings(entry(200, 0), { ...defaults, logIP: false, logAuthId: true })!;
    expect(kept.data.authId).toBe('u1');
    expect(kept.data).not.toHaveProperty('userIP');
    expect(kept.data).not.toHaveProperty('remoteIP');
  });

  it('drops rows under minLevel, and every row when maxDays is 0', () => {
    expect(logSettings(entry(200, 0), { ...defaults, minLevel: 4 })).toBeUndefined();
    expect(logSettings(entry(404, 4), { ...defaults, minLevel: 4 })).toBeDefined();
    expect(logSettings(entry(500, 8), { ...defaults, maxDays: 0 })).toBeUndefined();
  });
});

describe('requestLog', () => {
  const request = {
    method: 'GET',
    url: '/api/files/c/r/a.png?token=abc',
    accountability: { collection: 'users', user: 'u1' },
    headers: { 'user-agent': 'ua/1', referer: 'https://app.example/' },
    ip: '10.0.0.1',
    socket: { remoteAddress: '127.0.0.1' },
  } as unknown as FastifyRequest;
  const reply = (statusCode: number) => ({ statusCode, elapsedTime: 1.23456 }) as unknown as FastifyReply;
  const at = Date.UTC(2030, 0, 31, 14, 5, 9, 7);

  it('makes the row PocketBase writes, as the settings keep it', () => {
    const entry = requestLog(request, reply(404), defaults, at)!;
    expect(entry.created).toBe('2030-01-31 14:05:09.007Z');
    expect(entry.id).toHaveLength(15);
    expect(entry).toMatchObject({ level: 4, message: 'GET /api/files/c/r/a.png?token=REDACTED' });
    expect(entry.data).toEqual({
      type: 'request',
      method: 'GET',
      url: '/api/files/c/r/a.png?token=REDACTED',
      status: 404,
      execTime: 1.235,
      auth: 'users',
      userIP: '10.0.0.1',
      remoteIP: '127.0.0.1',
      referer: 'https://app.example/',
      userAgent: 'ua/1',
    });
    // the next millisecond of the same second, and ids that sort in the order they were made
    const next = requestLog(request, reply(200), defaults, at + 993)!;
    expect(next.created).toBe('2030-01-31 14:05:10.000Z');
    expect(next.id > entry.id).toBe(true);
  });

  it('gives what logSettings trims a whole row to', () => {
    const settings = { ...defaults, logIP: false, logAuthId: true };
    const direct = requestLog(request, reply(500), settings, at)!;
    const trimmed = logSettings(requestLog(request, reply(500), KEEP_ALL, at)!, settings)!;
    expect(direct.data).toEqual(trimmed.data);
    expect(direct.data.authId).toBe('u1');
    expect(direct.data).not.toHaveProperty('userIP');
    expect(requestLog(request, reply(200), { ...defaults, minLevel: 4 }, at)).toBeUndefined();
    expect(requestLog(request, reply(500), { ...defaults, maxDays: 0 }, at)).toBeUndefined();
  });
});
