import { describe, expect, it } from 'vitest';
import { compilePattern, isValidPattern, matchesPattern } from './names.ts';

describe('patterns', () => {
  it('matches exact names', () => {
    expect(matchesPattern(compilePattern('records.create'), 'records.create')).toBe(true);
    expect(matchesPattern(compilePattern('records.create'), 'records.update')).toBe(false);
  });

  it('lets * stand for exactly one whole segment', () => {
    expect(matchesPattern(compilePattern('items.*'), 'items.create')).toBe(true);
    expect(matchesPattern(compilePattern('*.create'), 'users.create')).toBe(true);
    expect(matchesPattern(compilePattern('items.*'), 'items.create.before')).toBe(false);
    expect(matchesPattern(compilePattern('*'), 'items.create')).toBe(false);
    expect(matchesPattern(compilePattern('items.cre*'), 'items.create')).toBe(false);
  });

  it('rejects empty segments and partial wildcards', () => {
    expect(isValidPattern('records..create')).toBe(false);
    expect(isValidPattern('')).toBe(false);
    expect(isValidPattern('items.cre*')).toBe(false);
    expect(isValidPattern('items.*')).toBe(true);
  });
});
