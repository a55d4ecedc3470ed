import type { App } from '../app/types.ts';
import { SUPERUSERS } from '../auth/accountability.ts';
import { describeFailure } from './failure.ts';

/** `sluice admin …` and PocketBase's `sluice superuser …`: superusers from the command line. */

async function findId(app: App, email: string): Promise<string | undefined> {
  const row = await app.database.db
    .selectFrom(SUPERUSERS)
    .select('id')
    .where('email', '=', email.toLowerCase())
    .executeTakeFirst();
  return row?.id as string | undefined;
}

function failure(what: string, error: unknown): number {
  console.error(`Could not ${what}: ${describeFailure(error)}`);
  return 1;
}

const credentials = (email: string, password: string) => ({ email, password, passwordConfirm: password });

export async function createSuperuser(app: App, email: string, password: string): Promise<number> {
  try {
    await app.bootstrap();
    await app.services.records.create(SUPERUSERS, credentials(email, password));
    console.log(`Created superuser ${email}.`);
    return 0;
  } catch (error) {
    return failure('create the superuser', error);
  }
}

export async function updateSuperuser(app: App, email: string, password: string): Promise<number> {
  try {
    await app.bootstrap();
    const id = await findId(app, email);
    if (!id) return failure('update the superuser', new Error(`No superuser has the email ${email}.`));
    await app.services.records.update(SUPERUSERS, id, { password, passwordConfirm: password });
    console.log(`Changed the password of superuser ${email}.`);
    return 0;
  } catch (error) {
    return failure('update the superuser', error);
  }
}

/** Creates the superuser, or changes its password when one has the email already. */
export async function upsertSuperuser(app: App, email: string, password: string): Promise<number> {
  await app.bootstrap();
  return (await findId(app, email))
    ? updateSuperuser(app, email, password)
    : createSuperuser(app, email, password);
}

export async function deleteSuperuser(app: App, email: string): Promise<number> {
  try {
    await app.bootstrap();
    const id = await findId(app, email);
    if (!id) return failure('delete the superuser', new Error(`No superuser has the email ${email}.`));
    await app.services.records.delete(SUPERUSERS, id);
    console.log(`Deleted superuser ${email}.`);
    return 0;
  } catch (error) {
    return failure('delete the superuser', error);
  }
}

export async function listSuperusers(app: App): Promise<number> {
  await app.bootstrap();
  const rows = await app.database.db
    .selectFrom(SUPERUSERS)
    .select(['id', 'email', 'created'])
    .orderBy('created')
    .execute();
  for (const row of rows) console.log(`${row.email}\t${row.id}\t${row.created}`);
  if (rows.length === 0) console.error('No superusers yet: sluice admin create EMAIL PASSWORD');
  return 0;
}
