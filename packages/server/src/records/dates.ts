/** Dates are stored as text in PocketBase's format: `YYYY-MM-DD HH:MM:SS.sssZ`, UTC. */
export function formatDate(date: Date): string {
  return date.toISOString().replace('T', ' ');
}

export function nowDate(): string {
  return formatDate(new Date());
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
