import { describe, expect, it } from 'vitest';
import { withoutPassword } from './startup-summary.ts';

describe('withoutPassword', () => {
  it('keeps a connection URL readable in the logs without its password', () => {
    expect(withoutPassword('postgres://sluice:s3cret@db.internal:5432/app')).toBe(
      'postgres://sluice:***@db.internal:5432/app',
    );
    expect(withoutPassword('redis://:s3cret@127.0.0.1:6379/0')).toBe('redis://:***@127.0.0.1:6379/0');
    expect(withoutPassword('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(withoutPassword('not a url s3cret')).toBe('(an invalid URL)');
  });
});
