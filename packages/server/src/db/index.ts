import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createPostgresDatabase } from './postgres.ts';
import { createSqliteDatabase } from './sqlite.ts';
import type { Database, DatabaseLimits } from './types.ts';

export type { Database, DatabaseLimits, Dialect } from './types.ts';

export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//.test(url);
}

export function openDatabase({
  dir,
  url,
  limits,
}: {
  dir: string;
  url?: string;
  limits?: DatabaseLimits;
}): Database {
  if (isPostgresUrl(url)) return createPostgresDatabase(url, limits);
  mkdirSync(dir, { recursive: true });
  return createSqliteDatabase(join(dir, 'data.db'), limits);
}
