import { sql } from 'kysely';
import type { App } from '../app/types.ts';
import { migrate, migrations } from '../db/migrations.ts';

/** The migrations applied so far, each with when. */
async function appliedMigrations(app: App): Promise<Map<string, string>> {
  try {
    const { rows } = await sql<{
      file: string;
      applied: string;
    }>`SELECT "file", "applied" FROM "_migrations"`.execute(app.database.db);
    return new Map(rows.map((row) => [row.file, row.applied]));
  } catch {
    // a new data folder: no migrations table yet, every migration is pending
    return new Map();
  }
}

const plural = (count: number) => `${count} migration${count === 1 ? '' : 's'}`;

/** `sluice migrate status`: each migration, applied (when) or pending. */
export async function migrationStatus(app: App): Promise<number> {
  const applied = await appliedMigrations(app);
  for (const { file } of migrations)
    console.log(
      `${applied.has(file) ? 'applied' : 'pending'}  ${file}  ${applied.get(file) ?? ''}`.trimEnd(),
    );
  const pending = migrations.filter(({ file }) => !applied.has(file)).length;
  console.log(pending ? `${plural(pending)} pending: sluice migrate up` : 'Up to date.');
  return 0;
}

/** `sluice migrate up` (or `sluice migrate`): applies the pending migrations, as every start does. */
export async function migrateUp(app: App): Promise<number> {
  const applied = await appliedMigrations(app);
  const pending = migrations.filter(({ file }) => !applied.has(file)).length;
  await migrate(app.database);
  console.log(pending ? `Applied ${plural(pending)}.` : 'Up to date.');
  return 0;
}
