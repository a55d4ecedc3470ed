import { InvalidPayloadError } from '@sluice/hooks';

/** The list parameters of PocketBase's REST shape, checked. */
export interface ListQuery {
  page: number;
  perPage: number;
  filter: string;
  sort: string;
  fields: string;
  expand: string;
  skipTotal: boolean;
}

export const MAX_PER_PAGE = 1000;
const DEFAULT_PER_PAGE = 30;

function positiveInteger(raw: unknown, name: string, fallback: number, max?: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || (max !== undefined && value > max)) {
    throw new InvalidPayloadError(`Invalid ${name}.`, {
      [name]: {
        code: 'validation_invalid_number',
        message: max ? `Must be a whole number from 1 to ${max}.` : 'Must be a whole number of 1 or more.',
      },
    });
  }
  return value;
}

function text(raw: unknown): string {
  if (raw === undefined) return '';
  return Array.isArray(raw) ? String(raw[raw.length - 1]) : String(raw);
}

export function parseListQuery(query: Record<string, unknown> = {}): ListQuery {
  return {
    page: positiveInteger(query.page, 'page', 1),
    perPage: positiveInteger(query.perPage, 'perPage', DEFAULT_PER_PAGE, MAX_PER_PAGE),
    filter: text(query.filter),
    sort: text(query.sort),
    fields: text(query.fields),
    expand: text(query.expand),
    skipTotal: ['1', 'true'].includes(text(query.skipTotal).toLowerCase()),
  };
}
