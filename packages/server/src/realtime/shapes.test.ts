import { describe, expect, it } from 'vitest';
import { parseFieldsParam, pickFields } from '../filter/index.ts';
import { MeasuredRecord } from './shapes.ts';

const record = {
  collectionId: 'pbc_1',
  collectionName: 'posts',
  id: 'p1',
  title: 'Héllo "world"',
  body: '<p>Some <b>rich</b>\n text\u0001 that goes on and on</p>',
  tags: ['a', 'b'],
  meta: { views: 3, author: { name: 'Alice', email: 'a@example.com' } },
  public: true,
  created: '2024-01-01 00:00:00.000Z',
};

const selections = [
  '',
  '*',
  '*,c1z1',
  '*,c2z2',
  '*,title',
  'title,*',
  'title.*',
  'id,title',
  'title,id',
  'title, id, nope',
  'nope',
  'id,body:excerpt(10)',
  'id,body:excerpt(10,true)',
  'id,body:excerpt(1000,true)',
  'id,title:excerpt(3,true)',
  '*,meta.author.name',
  'meta.author',
  'meta.*',
  'meta.views,meta.author.*',
  '*,expand.owner.name',
];

const measured = new MeasuredRecord(record);

describe('MeasuredRecord', () => {
  it('measures the whole record exactly', () => {
    expect(measured.size).toBe(JSON.stringify(record).length);
    expect(measured.sizeOf(null)).toBe(measured.size);
  });

  it('never underestimates what a selection keeps', () => {
    for (const fields of selections) {
      const selection = parseFieldsParam(fields);
      const picked = JSON.stringify(pickFields(record, selection));
      expect(measured.sizeOf(selection), fields).toBeGreaterThanOrEqual(picked.length);
    }
  });

  it('gives the same key only to selections that keep the same', () => {
    const byShape = new Map<string, string>();
    for (const fields of selections) {
      const selection = parseFieldsParam(fields);
      const picked = JSON.stringify(pickFields(record, selection));
      const shape = measured.shapeOf(selection, false);
      const seen = byShape.get(shape);
      if (seen !== undefined) expect(picked, `${fields} has the shape of another`).toBe(seen);
      byShape.set(shape, picked);
    }
  });

  it('gives one key to selections that differ only by what they cannot pick', () => {
    const shape = (fields: string, expanding = false) =>
      measured.shapeOf(parseFieldsParam(fields), expanding);
    expect(
      new Set(['', '*', '*,c1z1', '*,c2z2', '*,title', 'title,*'].map((fields) => shape(fields))).size,
    ).toBe(1);
    expect(shape('title, id, nope')).toBe(shape('id,title'));
    expect(shape('title.*')).toBe(shape('title'));
    expect(shape('nope')).not.toBe(shape(''));
    expect(shape('*,expand.owner.name')).toBe(shape(''));
    expect(shape('*,expand.owner.name', true)).not.toBe(shape('', true));
    expect(shape('id,body:excerpt(10)')).not.toBe(shape('id,body:excerpt(11)'));
  });
});
