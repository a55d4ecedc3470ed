import { mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * A benchmark's server script as JavaScript (`bench/.compiled/<name>.mjs`), so that the server
 * process runs as `npm start` runs it, with no TypeScript loader: the script imports `sluice`,
 * which resolves to the compiled package.
 */
export function compiledScript(file: string): string {
  const outfile = join(here, '.compiled', basename(file).replace(/\.ts$/, '.mjs'));
  mkdirSync(dirname(outfile), { recursive: true });
  buildSync({ entryPoints: [join(here, file)], outfile, format: 'esm', platform: 'node', logLevel: 'error' });
  return outfile;
}
