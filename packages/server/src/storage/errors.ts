import type { StorageDriverName } from './types.ts';

/** A driver could not reach its service (refused, DNS, TLS, credentials). Answered with a 503. */
export class StorageUnavailableError extends Error {
  readonly code = 'SLUICE_ERR_STORAGE_UNAVAILABLE';
  constructor(
    readonly driver: StorageDriverName,
    readonly operation: string,
    override readonly cause: unknown,
  ) {
    super(
      `The ${driver} storage could not ${operation}: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
}
