/** A JSON object: not null, not an array. What request bodies, settings and definitions must be. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
