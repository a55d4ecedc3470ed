import { describe, expect, it } from 'vitest';
import { parsedFilter } from './parse-cache.ts';
import { parseFilter } from './parser.ts';

describe('parsedFilter', () => {
  it('parses an expression once, into the tree parseFilter makes, frozen', () => {
    const source = 'owner = @request.auth.id || (public = true && views > 10)';
    const tree = parsedFilter(source);
    expect(tree).toEqual(parseFilter(source));
    expect(parsedFilter(source)).toBe(tree);
    expect(Object.isFrozen(tree)).toBe(true);
    expect(tree?.kind === 'or' && Object.isFrozen(tree.items[1])).toBe(true);
  });

  it('keeps an empty expression as matching everything, and throws on a bad one every time', () => {
    expect(parsedFilter('')).toBeNull();
    expect(() => parsedFilter('title = ')).toThrow();
    expect(() => parsedFilter('title = ')).toThrow();
  });
});
