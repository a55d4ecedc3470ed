import { InvalidPayloadError, NotFoundError } from '@sluice/hooks';
import { describe, expect, it } from 'vitest';
import { errorBody, MAX_LISTED_FIELDS } from './errors.ts';

const problems = (count: number) =>
  Object.fromEntries(
    Array.from({ length: count }, (_, index) => [
      `field${index}`,
      { code: 'validation_unknown_field', message: 'Unknown field.' },
    ]),
  );

describe('errorBody', () => {
  it('answers an error as it is', () => {
    expect(errorBody(new NotFoundError())).toEqual({
      status: 404,
      code: 'SLUICE_ERR_NOT_FOUND',
      message: 'The requested resource was not found.',
      data: {},
    });
    const few = problems(MAX_LISTED_FIELDS);
    expect(errorBody(new InvalidPayloadError('Failed to create record.', few))).toEqual({
      status: 400,
      code: 'SLUICE_ERR_INVALID_PAYLOAD',
      message: 'Failed to create record.',
      data: few,
    });
  });

  it('lists the first fields only, and says how many there were', () => {
    const body = errorBody(new InvalidPayloadError('Failed to create record.', problems(70_000)));
    expect(Object.keys(body.data)).toEqual(Object.keys(problems(MAX_LISTED_FIELDS)));
    expect(body.message).toBe(
      `Failed to create record. Only the first ${MAX_LISTED_FIELDS} of 70000 fields are listed.`,
    );
    expect(JSON.stringify(body).length).toBeLessThan(10_000);
  });
});
