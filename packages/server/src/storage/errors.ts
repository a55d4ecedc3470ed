import { SluiceError } from '@sluice/hooks';
import type { StorageDriverName } from './types.ts';

/**
 * A driver could not reach its service (refused, DNS, TLS, credentials). The client gets a 503
 * that names only the driver; what went wrong stays in `cause`, for the log and the
 * `files.storage_error` event.
 */
export class StorageUnavailableError extends SluiceError {
  constructor(
    readonly driver: StorageDriverName,
    readonly operation: string,
    cause: unknown,
  ) {
    super(503, 'SLUICE_ERR_STORAGE_UNAVAILABLE', `The ${driver} file storage is unavailable.`, {}, cause);
  }

  /** What went wrong, as the driver said it. */
  get reason(): string {
    return this.cause instanceof Error ? this.cause.message : String(this.cause);
  }
}
