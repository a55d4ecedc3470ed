/**
 * What a filter chain returns when a handler returned `false`: the payload as it was then.
 * Otherwise a chain returns the payload itself, so the common path allocates nothing.
 */
export class FilterStopped<Payload = unknown> {
  constructor(readonly payload: Payload) {}
}

export function isStopped<Payload>(value: Payload | FilterStopped<Payload>): value is FilterStopped<Payload> {
  return value instanceof FilterStopped;
}
