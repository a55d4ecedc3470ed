import { describe, expect, it } from 'vitest';
import { logSettings, redactUrl } from './request.ts';
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
