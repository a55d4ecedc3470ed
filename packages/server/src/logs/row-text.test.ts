import { describe, expect, it } from 'vitest';
import { LOG_COLUMNS, logRowText, logValues, VALUE_END } from './row-text.ts';
import type { LogEntry } from './store.ts';

const entry = (id: string, message: string): LogEntry => ({
  id,
  created: '2030-01-01 00:00:00.000Z',
  level: 4,
  message,
  data: {
    type: 'request',
    method: 'GET',
    url: message.slice(4),
    status: 404,
    execTime: 1.5,
    auth: '',
    referer: '',
    userAgent: 'curl/8',
  },
});

describe('log rows as text', () => {
  it('give back each row’s values in order, the data as its JSON', () => {
    const values = logValues(logRowText(entry('a', 'GET /é?q=1')) + logRowText(entry('b', 'GET /b')));
    expect(values).toHaveLength(2 * LOG_COLUMNS);
    expect(values.slice(0, LOG_COLUMNS)).toEqual([
      'a',
      '2030-01-01 00:00:00.000Z',
      '4',
      'GET /é?q=1',
      JSON.stringify(entry('a', 'GET /é?q=1').data),
    ]);
    expect(values[LOG_COLUMNS]).toBe('b');
  });

  it('keep a message holding the separator from shifting the values after it', () => {
    const values = logValues(logRowText(entry('a', `GET /x${VALUE_END}y`)));
    expect(values).toHaveLength(LOG_COLUMNS);
    expect(values[3]).toBe('GET /x\ufffdy');
    expect(JSON.parse(values[4] ?? '').url).toBe(`/x${VALUE_END}y`);
  });
});
