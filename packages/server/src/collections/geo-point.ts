/** A `geoPoint` field's value, as PocketBase has it: degrees of longitude and latitude. */
export interface GeoPoint {
  lon: number;
  lat: number;
}

/** What a `geoPoint` field holds when nothing was set; a required one must hold something else. */
export const ORIGIN: GeoPoint = { lon: 0, lat: 0 };

/** `{ lon, lat }` (or its JSON text, as a form sends it) within range, or `undefined`. */
export function parseGeoPoint(value: unknown): GeoPoint | undefined {
  let given = value;
  if (typeof given === 'string') {
    try {
      given = JSON.parse(given);
    } catch {
      return undefined;
    }
  }
  if (typeof given !== 'object' || given === null || Array.isArray(given)) return undefined;
  const { lon = 0, lat = 0 } = given as Record<string, unknown>;
  if (typeof lon !== 'number' || typeof lat !== 'number') return undefined;
  if (!(Math.abs(lon) <= 180 && Math.abs(lat) <= 90)) return undefined;
  return { lon, lat };
}
