import { describe, expect, it } from 'vitest';
import { sequentialId } from './system-items.ts';

describe('sequential ids', () => {
  it('sort in the order they were made, within a millisecond and across them, as 15 of [a-z0-9]', () => {
    const ids = [
      sequentialId(1000),
      sequentialId(1000),
      sequentialId(1000),
      sequentialId(1001),
      sequentialId(999),
    ];
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]{15}$/);
    // a clock that goes back keeps counting from the last time seen
    expect([...ids].sort()).toEqual(ids);
  });
});
