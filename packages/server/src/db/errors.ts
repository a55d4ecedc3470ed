/**
 * The columns named by a unique-constraint violation, or undefined when `error` is not one.
 * SQLite: `UNIQUE constraint failed: t.a, t.b` (SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY);
 * PostgreSQL: code 23505 with `Key (a, b)=(…) already exists.` in its detail.
 */
export function uniqueViolationColumns(error: unknown): string[] | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message, detail } = error as { code?: unknown; message?: unknown; detail?: unknown };
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    const list = /constraint failed: (.+)$/.exec(String(message))?.[1] ?? '';
    return list
      .split(',')
      .map((column) => column.trim().split('.').pop()!)
      .filter((column) => /^\w+$/.test(column));
  }
  if (code === '23505') {
    const list = /Key \((.+?)\)=/.exec(String(detail ?? ''))?.[1] ?? '';
    return list
      .split(',')
      .map((column) => column.trim().replace(/^"|"$/g, ''))
      .filter((column) => /^\w+$/.test(column));
  }
  return undefined;
}
