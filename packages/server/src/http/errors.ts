import {
  InternalError,
  InvalidPayloadError,
  NotFoundError,
  PayloadTooLargeError,
  SluiceError,
  UnauthorizedError,
} from '@sluice/hooks';
import { isQueryTimeout, queryTimeoutError } from '../db/deadline.ts';

export interface ErrorBody {
  status: number;
  code: string;
  message: string;
  data: Record<string, unknown>;
}

/** Fastify's own errors (body parsing, limits, routing) as Sluice's typed errors. */
export function toSluiceError(error: unknown): { error: SluiceError; unexpected: boolean } {
  if (error instanceof SluiceError) return { error, unexpected: false };
  if (isQueryTimeout(error)) return { error: queryTimeoutError(), unexpected: false };
  const fastifyError = error as { code?: string; statusCode?: number; message?: string };
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { error: new PayloadTooLargeError('The request body is too large.'), unexpected: false };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { error: new InvalidPayloadError('The request body is not valid JSON.'), unexpected: false };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { error: new InvalidPayloadError('Unsupported Content-Type.'), unexpected: false };
    case 'FST_ERR_NOT_FOUND':
      return { error: new NotFoundError(), unexpected: false };
  }
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) {
    return { error: new InvalidPayloadError('The request body is not valid JSON.'), unexpected: false };
  }
  if (fastifyError.statusCode === 401) return { error: new UnauthorizedError(), unexpected: false };
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return {
      error: new SluiceError(fastifyError.statusCode, 'SLUICE_ERR_BAD_REQUEST', 'The request is invalid.'),
      unexpected: false,
    };
  }
  return { error: new InternalError(), unexpected: true };
}

/** The most fields an error answer names: a body of many unknown keys gets a short answer. */
export const MAX_LISTED_FIELDS = 50;

/** Every error answer is made here, whoever raised the error. */
export function errorBody(error: SluiceError): ErrorBody {
  const { status, code, message, details } = error;
  const fields = Object.keys(details);
  if (fields.length <= MAX_LISTED_FIELDS) return { status, code, message, data: details };
  const listed = fields.slice(0, MAX_LISTED_FIELDS).map((field) => [field, details[field]]);
  return {
    status,
    code,
    message: `${message} Only the first ${MAX_LISTED_FIELDS} of ${fields.length} fields are listed.`,
    data: Object.fromEntries(listed),
  };
}

/** Errors raised by the SQL drivers: their codes, never their messages, may reach a log. */
export function isDatabaseError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_') || /^[0-9A-Z]{5}$/.test(code));
}
