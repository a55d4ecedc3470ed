import PocketBase, { ClientResponseError } from 'pocketbase';

/** The one client: same origin, the superuser's token kept by the SDK's local auth store. */
export const pb = new PocketBase(location.origin);
pb.autoCancellation(false);

export const SUPERUSERS = '_superusers';

export type FieldErrors = Record<string, string>;

/** The message of a failed call, as the server worded it. */
export function errorMessage(error: unknown): string {
  if (error instanceof ClientResponseError) return error.response?.message || error.message;
  return error instanceof Error ? error.message : String(error);
}

/** The server's per-field problems of a 400 (`data.<field>.message`), flattened to dotted paths. */
export function fieldErrors(error: unknown): FieldErrors {
  const out: FieldErrors = {};
  if (!(error instanceof ClientResponseError)) return out;
  const walk = (value: unknown, path: string) => {
    if (!value || typeof value !== 'object') return;
    const entry = value as Record<string, unknown>;
    if (typeof entry.message === 'string' && typeof entry.code === 'string') {
      out[path] = entry.message;
      return;
    }
    for (const [key, inner] of Object.entries(entry)) walk(inner, path ? `${path}.${key}` : key);
  };
  walk(error.response?.data, '');
  return out;
}

/** A 404 from an endpoint this server does not have (the feature is not installed). */
export function isMissingEndpoint(error: unknown): boolean {
  return error instanceof ClientResponseError && error.status === 404;
}

export interface Page<T> {
  page: number;
  perPage: number;
  totalItems: number;
  totalPages: number;
  items: T[];
}
