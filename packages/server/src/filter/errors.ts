import { InvalidPayloadError } from '@sluice/hooks';

export type QueryParameter = 'filter' | 'sort' | 'fields';

export type InvalidParameterError = InstanceType<typeof InvalidPayloadError>;

/**
 * The 400 a bad `filter`, `sort` or `fields` turns into, with details keyed by the parameter.
 * A caller compiling an API rule may re-key them to the rule's name.
 */
export function invalidParameter(parameter: QueryParameter, reason: string): InvalidParameterError {
  const message = `Invalid ${parameter}: ${reason}.`;
  return new InvalidPayloadError(message, {
    [parameter]: { code: `validation_invalid_${parameter}`, message },
  });
}

export function invalidFilter(reason: string): InvalidParameterError {
  return invalidParameter('filter', reason);
}

/** Why a filter was refused, for a caller that reports it under another name (an API rule). */
export function filterErrorReason(error: unknown): string | undefined {
  if (!(error instanceof InvalidPayloadError)) return undefined;
  const message = error.details.filter?.message;
  return message?.slice('Invalid filter: '.length, -'.'.length);
}
