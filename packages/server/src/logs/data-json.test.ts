import { describe, expect, it } from 'vitest';
import { requestLogDataJson } from './data-json.ts';
import type { RequestLogData } from './store.ts';

const base: RequestLogData = {
  type: 'request',
  method: 'GET',
  url: '/api/collections/posts/records?page=2',
  status: 200,
  execTime: 0.345,
  auth: '',
  referer: '',
  userAgent: '',
};

describe('requestLogDataJson', () => {
  it('writes what JSON.stringify writes for a row as requestLog builds it', () => {
    const full: RequestLogData = { ...base, authId: 'u1', userIP: '10.0.0.1', remoteIP: '127.0.0.1' };
    expect(requestLogDataJson(base)).toBe(JSON.stringify(base));
    expect(requestLogDataJson(full)).toBe(JSON.stringify(full));
    expect(requestLogDataJson({ ...base, userIP: '', remoteIP: '' })).toBe(
      JSON.stringify({ ...base, userIP: '', remoteIP: '' }),
    );
  });

  it('escapes what JSON.stringify escapes', () => {
    const strings = [
      'say "hi"',
      'back\\slash',
      'line\nbreak\ttab\u0000nul\u001fus',
      'é ü 日本 😀',
      'lone \ud800 high',
      'lone \udc00 low',
      '\u2028\u2029\u007f',
    ];
    for (const value of strings) {
      const data: RequestLogData = { ...base, url: value, referer: value, userAgent: value, authId: value };
      expect(requestLogDataJson(data)).toBe(JSON.stringify(data));
      expect(JSON.parse(requestLogDataJson(data))).toEqual(data);
    }
  });

  it('writes numbers as JSON.stringify does, null for what JSON cannot hold', () => {
    for (const execTime of [0, 1, 12.5, 1e21, 1e-7, -0, Number.NaN, Number.POSITIVE_INFINITY]) {
      const data = { ...base, execTime, status: 500 };
      expect(requestLogDataJson(data)).toBe(JSON.stringify(data));
    }
  });
});
