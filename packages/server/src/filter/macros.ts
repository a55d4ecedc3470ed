/** The `@now`-style macros, resolved in UTC against one instant so that a filter is consistent. */

/** The storage format of dates: text that sorts chronologically. */
export function formatStoredDate(date: Date): string {
  return date.toISOString().replace('T', ' ');
}

const DAY = 24 * 60 * 60 * 1000;

function startOfDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

function endOfDay(date: Date): Date {
  return new Date(startOfDay(date).getTime() + DAY - 1);
}

const macros: Record<string, (now: Date) => string | number> = {
  '@now': (now) => formatStoredDate(now),
  '@yesterday': (now) => formatStoredDate(new Date(now.getTime() - DAY)),
  '@tomorrow': (now) => formatStoredDate(new Date(now.getTime() + DAY)),
  '@todayStart': (now) => formatStoredDate(startOfDay(now)),
  '@todayEnd': (now) => formatStoredDate(endOfDay(now)),
  '@monthStart': (now) => formatStoredDate(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1))),
  '@monthEnd': (now) =>
    formatStoredDate(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1) - 1)),
  '@yearStart': (now) => formatStoredDate(new Date(Date.UTC(now.getUTCFullYear(), 0, 1))),
  '@yearEnd': (now) => formatStoredDate(new Date(Date.UTC(now.getUTCFullYear() + 1, 0, 1) - 1)),
  '@second': (now) => now.getUTCSeconds(),
  '@minute': (now) => now.getUTCMinutes(),
  '@hour': (now) => now.getUTCHours(),
  '@weekday': (now) => now.getUTCDay(),
  '@day': (now) => now.getUTCDate(),
  '@month': (now) => now.getUTCMonth() + 1,
  '@year': (now) => now.getUTCFullYear(),
};

/** The macro's value, or `undefined` when `name` is not a date macro. */
export function resolveDateMacro(name: string, now: Date): string | number | undefined {
  return Object.hasOwn(macros, name) ? macros[name](now) : undefined;
}
