/** How values of these types come back from PostgreSQL: as the API shows them, not as pg's defaults. */
export const INT8 = 20;
export const NUMERIC = 1700;
/** date, time, timestamp, timestamptz, timetz: kept as the text PostgreSQL sends. */
export const TEXT_TYPES = [1082, 1083, 1114, 1184, 1266];

export function parseInt8(value: string): number | string {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value;
}

export function parseNumeric(value: string): number | string {
  const n = Number(value);
  if (!Number.isFinite(n)) return value;
  return Number.isInteger(n) && !Number.isSafeInteger(n) ? value : n;
}
