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

function positiveInteger(raw: unknown, name: string, fallback: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new InvalidPayloadError(`Invalid ${name}.`, {
      [name]: { code: 'validation_invalid_number', message: `Must be a whole number from 1 to ${max}.` },
    });
  }
  return value;
}

function text(raw: unknown): string {
  if (raw === undefined) return '';
  return Array.isArray(raw) ? String(raw[raw.length - 1]) : String(raw);
}

export function parseListQuery(query: Record<string, unknown> = {}): ListQuery {
  const perPage = positiveInteger(query.perPage, 'perPage', DEFAULT_PER_PAGE, MAX_PER_PAGE);
  // the offset, (page - 1) × perPage, must be a safe integer too
  const lastPage = Math.min(Number.MAX_SAFE_INTEGER, Math.floor(Number.MAX_SAFE_INTEGER / perPage) + 1);
  return {
    page: positiveInteger(query.page, 'page', 1, lastPage),
    perPage,
    filter: text(query.filter),
    sort: text(query.sort),
    fields: text(query.fields),
    expand: text(query.expand),
    skipTotal: ['1', 'true'].includes(text(query.skipTotal).toLowerCase()),
  };
}
