import { readFile, writeFile } from 'node:fs/promises';
import type { App } from '../app/types.ts';
import type { Collection } from '../collections/types.ts';
import { describeFailure } from './failure.ts';

/** Imports of more collections than this report their progress on stderr. */
const PROGRESS_FROM = 10;

/**
 * `sluice collections export [FILE]`: every collection but the system ones, as the JSON array
 * PocketBase's export writes (and `collections import` reads); on stdout without a file.
 */
export async function exportCollections(app: App, file: string | undefined): Promise<number> {
  await app.bootstrap();
  const collections = [...app.schema.all()].filter((collection) => !collection.system);
  const json = `${JSON.stringify(collections, null, 2)}\n`;
  if (file) {
    await writeFile(file, json);
    console.error(`Exported ${collections.length} collections to ${file}.`);
  } else process.stdout.write(json);
  return 0;
}

/**
 * `sluice collections import FILE [--delete-missing]`: the array (or `{ collections }`) in one
 * transaction, as `PUT /api/collections/import` does; a large import reports each collection.
 */
export async function importCollections(
  app: App,
  file: string,
  options: { deleteMissing?: boolean },
): Promise<number> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    console.error(`Could not read ${file}: ${(error as Error).message}`);
    return 1;
  }
  const collections = Array.isArray(parsed) ? parsed : (parsed as { collections?: unknown })?.collections;
  if (!Array.isArray(collections)) {
    console.error(`${file} holds no list of collections.`);
    return 1;
  }
  await app.bootstrap();
  let done = 0;
  // on a terminal one line counts up; in a log, a line at each tenth
  const terminal = process.stderr.isTTY === true;
  const step = Math.ceil(collections.length / 10);
  const progress = (payload: Collection) => {
    done++;
    if (terminal) process.stderr.write(`\rImporting collections: ${done}/${collections.length}`);
    else if (done % step === 0)
      process.stderr.write(`Importing collections: ${done}/${collections.length}\n`);
    return payload;
  };
  if (collections.length > PROGRESS_FROM) {
    app.hooks.filter('collections.create', progress);
    app.hooks.filter('collections.update', progress);
  }
  try {
    await app.services.collections.import(
      { collections, deleteMissing: options.deleteMissing === true },
      app.context(),
    );
  } catch (error) {
    console.error(`${terminal && done ? '\n' : ''}Could not import ${file}: ${describeFailure(error)}`);
    return 1;
  }
  console.error(`${terminal && done ? '\n' : ''}Imported ${collections.length} collections from ${file}.`);
  return 0;
}
