/**
 * Typed errors. Each carries an HTTP status and a stable `SLUICE_ERR_*` code; the server turns
 * them into responses as they are. Anything else thrown from a hook is wrapped in `HookError`
 * so that nothing internal reaches a client.
 */
export type ErrorDetails = Record<string, { code: string; message: string }>;

export class SluiceError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetails;

  constructor(status: number, code: string, message: string, details: ErrorDetails = {}, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.details = details;
  }

  toJSON(): { status: number; code: string; message: string; data: ErrorDetails } {
    return { status: this.status, code: this.code, message: this.message, data: this.details };
  }
}

/** Accepts what the source platforms pass: a message, an Error (Directus wraps one), or nothing. */
function messageOf(input: unknown, fallback: string): string {
  if (typeof input === 'string' && input.length > 0) return input;
  if (input instanceof SluiceError) return input.message;
  return fallback;
}

function causeOf(input: unknown): unknown {
  return input instanceof Error ? input : undefined;
}

function defineError(name: string, status: number, code: string, fallback: string) {
  const ErrorClass = class extends SluiceError {
    constructor(message?: unknown, details?: ErrorDetails) {
      super(status, code, messageOf(message, fallback), details, causeOf(message));
    }
  };
  Object.defineProperty(ErrorClass, 'name', { value: name });
  return ErrorClass;
}

export const InvalidPayloadError = defineError(
  'InvalidPayloadError',
  400,
  'SLUICE_ERR_INVALID_PAYLOAD',
  'Invalid payload.',
);
export const UnauthorizedError = defineError(
  'UnauthorizedError',
  401,
  'SLUICE_ERR_UNAUTHORIZED',
  'The request requires valid authorization.',
);
export const ForbiddenError = defineError(
  'ForbiddenError',
  403,
  'SLUICE_ERR_FORBIDDEN',
  'You are not allowed to perform this request.',
);
export const NotFoundError = defineError(
  'NotFoundError',
  404,
  'SLUICE_ERR_NOT_FOUND',
  'The requested resource was not found.',
);
export const ConflictError = defineError(
  'ConflictError',
  409,
  'SLUICE_ERR_CONFLICT',
  'The request conflicts.',
);
export const PreconditionError = defineError(
  'PreconditionError',
  412,
  'SLUICE_ERR_PRECONDITION',
  'A precondition failed.',
);
export const PayloadTooLargeError = defineError(
  'PayloadTooLargeError',
  413,
  'SLUICE_ERR_PAYLOAD_TOO_LARGE',
  'The request body is too large.',
);
export const TooManyRequestsError = defineError(
  'TooManyRequestsError',
  429,
  'SLUICE_ERR_TOO_MANY_REQUESTS',
  'Too many requests.',
);
export const InternalError = defineError(
  'InternalError',
  500,
  'SLUICE_ERR_INTERNAL',
  'Something went wrong while processing the request.',
);
export const ServiceUnavailableError = defineError(
  'ServiceUnavailableError',
  503,
  'SLUICE_ERR_SERVICE_UNAVAILABLE',
  'The service is unavailable, try again later.',
);
export const HookTimeoutError = defineError(
  'HookTimeoutError',
  504,
  'SLUICE_ERR_HOOK_TIMEOUT',
  'A hook took too long; the operation was aborted.',
);
export const UnknownEventError = defineError(
  'UnknownEventError',
  500,
  'SLUICE_ERR_UNKNOWN_EVENT',
  'Unknown event name.',
);
export const EventUnavailableError = defineError(
  'EventUnavailableError',
  500,
  'SLUICE_ERR_EVENT_UNAVAILABLE',
  'The event belongs to a feature that does not exist yet.',
);
export const InvalidCronError = defineError(
  'InvalidCronError',
  500,
  'SLUICE_ERR_INVALID_CRON',
  'Invalid cron expression.',
);

/** An unknown error thrown by a hook: the client sees a generic message, the log sees the cause. */
export class HookError extends SluiceError {
  readonly extension: string;
  readonly event: string;

  constructor(extension: string, event: string, cause: unknown) {
    super(500, 'SLUICE_ERR_HOOK', 'A hook failed while processing the request.', {}, cause);
    this.extension = extension;
    this.event = event;
  }
}

/** Returns `error` when it is typed, or wraps it in a `HookError` naming who threw it. */
export function toSluiceError(error: unknown, extension: string, event: string): SluiceError {
  return error instanceof SluiceError ? error : new HookError(extension, event, error);
}

/** The classes handed to hooks, under Sluice's names and the names the source platforms use. */
export const exceptions = {
  SluiceError,
  InvalidPayloadError,
  UnauthorizedError,
  ForbiddenError,
  NotFoundError,
  ConflictError,
  PreconditionError,
  PayloadTooLargeError,
  TooManyRequestsError,
  InternalError,
  ServiceUnavailableError,
  HookTimeoutError,
  HookError,
  // Directus
  InvalidPayloadException: InvalidPayloadError,
  InvalidCredentialsException: UnauthorizedError,
  ForbiddenException: ForbiddenError,
  RouteNotFoundException: NotFoundError,
  ItemNotFoundException: NotFoundError,
  RecordNotUniqueException: ConflictError,
  ServiceUnavailableException: ServiceUnavailableError,
  // PocketBase
  BadRequestError: InvalidPayloadError,
  ApiError: SluiceError,
} as const;

/** Kuzzle's `app.kerror`: its default errors by their names. */
export const kerror = {
  BadRequestError: InvalidPayloadError,
  UnauthorizedError,
  ForbiddenError,
  NotFoundError,
  PreconditionError,
  SizeLimitError: PayloadTooLargeError,
  TooManyRequestsError,
  InternalError,
  PluginImplementationError: InternalError,
  ServiceUnavailableError,
  GatewayTimeoutError: HookTimeoutError,
} as const;
