import { describe, expect, it } from 'vitest';
import { pocketbaseRecord } from './pocketbase-record.ts';

describe('PocketBase records', () => {
  it('casts values in the typed getters as PocketBase does', () => {
    const record = pocketbaseRecord(
      { n: 3.7, s: '12', flag: true, off: 0, tags: ['a', 'b'], meta: { x: 1 }, empty: null, word: 'true' },
      'things',
    )!;
    expect([record.getInt('n'), record.getInt('s'), record.getInt('flag'), record.getInt('missing')]).toEqual(
      [3, 12, 1, 0],
    );
    expect([record.getFloat('n'), record.getFloat('meta')]).toEqual([3.7, 0]);
    expect([record.getString('n'), record.getString('empty'), record.getString('meta')]).toEqual([
      '3.7',
      '',
      '{"x":1}',
    ]);
    expect([
      record.getBool('flag'),
      record.getBool('off'),
      record.getBool('word'),
      record.getBool('s'),
    ]).toEqual([true, false, true, false]);
    expect([
      record.getStringSlice('tags'),
      record.getStringSlice('s'),
      record.getStringSlice('empty'),
    ]).toEqual([['a', 'b'], ['12'], []]);
    expect(Object.keys(record)).not.toContain('getInt');
    expect(record.tableName()).toBe('things');
  });
});
