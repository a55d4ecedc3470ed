import { describe, expect, it } from 'vitest';
import { MAX_PER_PAGE, parseListQuery } from './query.ts';

const refusal = (query: Record<string, unknown>) => {
  try {
    parseListQuery(query);
  } catch (error) {
    return error as { status: number; details: Record<string, { code: string }> };
  }
  throw new Error(`${JSON.stringify(query)} was accepted.`);
};

describe('parseListQuery', () => {
  it('takes the defaults and whole numbers', () => {
    expect(parseListQuery({})).toMatchObject({ page: 1, perPage: 30 });
    expect(parseListQuery({ page: '3', perPage: String(MAX_PER_PAGE) })).toMatchObject({
      page: 3,
      perPage: MAX_PER_PAGE,
    });
  });

  it('refuses pages and sizes that are not safe integers', () => {
    for (const page of ['1e20', String(2 ** 53), '9007199254740993', 'Infinity']) {
      const error = refusal({ page });
      expect(error.status, page).toBe(400);
      expect(error.details.page.code, page).toBe('validation_invalid_number');
    }
    expect(refusal({ perPage: '1e20' }).details).toHaveProperty('perPage');
  });

  it('keeps the offset a safe integer', () => {
    const last = Math.floor(Number.MAX_SAFE_INTEGER / MAX_PER_PAGE) + 1;
    const query = parseListQuery({ page: String(last), perPage: String(MAX_PER_PAGE) });
    expect(Number.isSafeInteger((query.page - 1) * query.perPage)).toBe(true);
    expect(refusal({ page: String(last + 1), perPage: String(MAX_PER_PAGE) }).details).toHaveProperty('page');
    expect(parseListQuery({ page: String(Number.MAX_SAFE_INTEGER), perPage: '1' }).page).toBe(
      Number.MAX_SAFE_INTEGER,
    );
  });
});
