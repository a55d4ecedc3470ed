import { describe, expect, it } from 'vitest';
import { idPattern, newId, randomFromPattern } from './ids.ts';

describe('ids', () => {
  it('makes 15-character lowercase alphanumeric ids that do not repeat', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newId()));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(idPattern);
  });

  it('fills simple autogenerate patterns', () => {
    expect(randomFromPattern('[a-z0-9]{15}')).toMatch(/^[a-z0-9]{15}$/);
    expect(randomFromPattern('ord_[A-Z]{4}-[0-9]{2}')).toMatch(/^ord_[A-Z]{4}-[0-9]{2}$/);
    expect(randomFromPattern('(a|b)+')).toBeUndefined();
  });
});
