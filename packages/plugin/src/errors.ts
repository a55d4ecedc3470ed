/** A delivery came before the plugin registered (it has no signing secret yet): answered 503. */
export class NotRegisteredError extends Error {
  override name = 'NotRegisteredError';
}
