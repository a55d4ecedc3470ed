import { InvalidPayloadError } from '../../../hooks/src/errors.ts';

/**
 * The 400 every filter, sort and fields problem turns into. Details are keyed `filter`; a caller
 * compiling an API rule may re-key them to the rule's name.
 */
export function invalidFilter(reason: string): InstanceType<typeof InvalidPayloadError> {
  const message = `Invalid filter: ${reason}.`;
  return new InvalidPayloadError(message, { filter: { code: 'validation_invalid_filter', message } });
}
