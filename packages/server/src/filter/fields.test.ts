import { describe, expect, it } from 'vitest';
import { parseFieldsParam, pickFields } from './fields.ts';

const record = {
  id: 'p1',
  title: 'Hello',
  body: '<p>Some <b>rich</b>\n text that goes on</p><script>alert(1)</script>',
  expand: {
    author: { id: 'u1', name: 'Alice', email: 'a@example.com' },
    editors: [
      { id: 'u2', name: 'bob', email: 'b@example.com' },
      { id: 'u3', name: 'Carol', email: 'c@example.com' },
    ],
  },
};

function pickWith(parameter: string): unknown {
  return pickFields(record, parseFieldsParam(parameter));
}

describe('fields', () => {
  it('keeps everything without a selection', () => {
    expect(parseFieldsParam('')).toBeNull();
    expect(parseFieldsParam(' , ')).toBeNull();
    expect(pickWith('')).toBe(record);
  });

  it('keeps the listed keys only, ignoring unknown ones', () => {
    expect(pickWith('id, title, nope')).toEqual({ id: 'p1', title: 'Hello' });
  });

  it('keeps everything under *', () => {
    expect(pickWith('*')).toEqual(record);
  });

  it('narrows nested objects and lists of them', () => {
    expect(pickWith('id,expand.author.name,expand.editors.id')).toEqual({
      id: 'p1',
      expand: { author: { name: 'Alice' }, editors: [{ id: 'u2' }, { id: 'u3' }] },
    });
    expect(pickWith('expand.author')).toEqual({ expand: { author: record.expand.author } });
    expect(pickWith('expand.editors.*')).toEqual({ expand: { editors: record.expand.editors } });
  });

  it('lets a specific path narrow a key under *', () => {
    expect(pickWith('*,expand.author.name')).toEqual({
      id: 'p1',
      title: 'Hello',
      body: record.body,
      expand: { author: { name: 'Alice' } },
    });
  });

  it('applies to a list of records', () => {
    expect(pickFields([record, { id: 'p2', title: 'x' }], parseFieldsParam('id'))).toEqual([
      { id: 'p1' },
      { id: 'p2' },
    ]);
  });

  it('shortens text with :excerpt', () => {
    expect(pickWith('body:excerpt(100)')).toEqual({ body: 'Some rich text that goes on' });
    expect(pickWith('body:excerpt(9,true)')).toEqual({ body: 'Some rich...' });
    expect(pickWith('body:excerpt(9, false)')).toEqual({ body: 'Some rich' });
    expect(pickWith('id,expand.author.name:excerpt(3)')).toEqual({
      id: 'p1',
      expand: { author: { name: 'Ali' } },
    });
  });

  it('rejects what it cannot read', () => {
    expect(() => parseFieldsParam('id;drop')).toThrow('Invalid fields: cannot read "id;drop".');
    expect(() => parseFieldsParam('*.id')).toThrow(/"\*" must end/);
    expect(() => parseFieldsParam('title:upper()')).toThrow(/cannot read/);
    expect(() => parseFieldsParam('*:excerpt(10)')).toThrow(/needs a field name/);
    expect(() => parseFieldsParam('a'.repeat(5000))).toThrow(/longer than/);
  });
});
