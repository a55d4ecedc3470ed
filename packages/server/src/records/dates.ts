/**
 * The last date formatted: writes in the same millisecond (a record, its activity row and its
 * outbox rows; a batch of deliveries) share one text instead of each paying for `toISOString`.
 */
let lastTime = Number.NaN;
let lastText = '';

/** Dates are stored as text in PocketBase's format: `YYYY-MM-DD HH:MM:SS.sssZ`, UTC. */
export function formatDate(date: Date): string {
  const time = date.getTime();
  if (time !== lastTime) {
    lastText = date.toISOString().replace('T', ' ');
    lastTime = time;
  }
  return lastText;
}

export function nowDate(): string {
  const time = Date.now();
  return time === lastTime ? lastText : formatDate(new Date(time));
}

const dateOnly = /^\d{4}-\d{2}-\d{2}$/;
const dateTime =
  /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)\s*(Z|[+-]\d{2}:?\d{2}|UTC)?$/i;

/** Parses the date forms clients send into a Date, or undefined when it is not a date. */
export function parseDate(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value === 'number') return Number.isFinite(value) ? new Date(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  let iso: string | undefined;
  if (dateOnly.test(text)) iso = `${text}T00:00:00Z`;
  else {
    const match = dateTime.exec(text);
    if (!match) return undefined;
    const zone = !match[3] || match[3].toUpperCase() === 'UTC' ? 'Z' : match[3].toUpperCase();
    iso = `${match[1]}T${match[2]}${zone}`;
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
