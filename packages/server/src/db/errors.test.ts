import { describe, expect, it } from 'vitest';
import { uniqueViolationColumns } from './errors.ts';

describe('uniqueViolationColumns', () => {
  it('reads SQLite and PostgreSQL unique violations', () => {
    expect(
      uniqueViolationColumns({
        code: 'SQLITE_CONSTRAINT_UNIQUE',
        message: 'UNIQUE constraint failed: t.a, t.b',
      }),
    ).toEqual(['a', 'b']);
    expect(
      uniqueViolationColumns({
        code: 'SQLITE_CONSTRAINT_UNIQUE',
        message: "UNIQUE constraint failed: index 'idx'",
      }),
    ).toEqual([]);
    expect(uniqueViolationColumns({ code: '23505', detail: 'Key ("tokenKey")=(x) already exists.' })).toEqual(
      ['tokenKey'],
    );
    expect(uniqueViolationColumns({ code: '23503' })).toBeUndefined();
    expect(uniqueViolationColumns(new Error('other'))).toBeUndefined();
  });
});
