import { createWriteStream } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import type * as Yauzl from 'yauzl';
import type * as Yazl from 'yazl';
import { lazyModule } from '../lazy-module.ts';

// loaded at the first backup or restore
const yauzl = lazyModule<typeof Yauzl>('yauzl');
const yazl = lazyModule<typeof Yazl>('yazl');

/** The files of a folder, deepest included, as paths relative to it with `/` separators. */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'));
}

/** Writes a zip of `files` (the name inside the archive → the file on disk) to `target`. */
export async function writeZip(target: string, files: ReadonlyMap<string, string>): Promise<void> {
  const zip = new (yazl().ZipFile)();
  for (const [name, path] of files) zip.addFile(path, name);
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(target));
}

const openZip = (path: string, options: Yauzl.Options) =>
  promisify<string, Yauzl.Options, Yauzl.ZipFile>(yauzl().open)(path, options);

/**
 * Extracts a zip into `dir`, each entry checked by `accept` first: an entry a backup would not
 * hold (or a path leaving the folder) fails the whole extraction.
 */
export async function extractZip(
  source: string,
  dir: string,
  accept: (name: string) => boolean,
): Promise<void> {
  const zip = await openZip(source, { lazyEntries: true, strictFileNames: true });
  const openEntry = promisify(zip.openReadStream.bind(zip));
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', resolve);
      zip.on('entry', (entry: Yauzl.Entry) => {
        const name = entry.fileName;
        if (name.endsWith('/')) return zip.readEntry();
        if (!accept(name) || name.split('/').includes('..') || name.startsWith('/')) {
          reject(new Error(`The archive holds a file a backup does not: ${name}`));
          return;
        }
        const target = join(dir, ...name.split('/'));
        mkdir(dirname(target), { recursive: true })
          .then(() => openEntry(entry))
          .then((stream) => pipeline(stream, createWriteStream(target)))
          .then(() => zip.readEntry(), reject);
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}
