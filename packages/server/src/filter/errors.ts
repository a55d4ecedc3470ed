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
