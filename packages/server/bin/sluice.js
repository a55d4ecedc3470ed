#!/usr/bin/env node
// Runs the compiled server. In a source checkout, a source file newer than the last build
// (after a pull, say) has the build brought up to date first.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packages = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const built = ['hooks', 'plugin', 'server'].map((name) => join(packages, name));

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
      newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function stale(pkg) {
  const source = join(pkg, 'src');
  if (!existsSync(source)) return false;
  const stamp = join(pkg, 'dist', '.tsbuildinfo');
  return !existsSync(stamp) || newestSource(source) > statSync(stamp).mtimeMs;
}

if (built.some(stale)) {
  let tsc;
  try {
    tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    console.error('Sluice is not built and TypeScript is not installed to build it: run npm install.');
    process.exit(1);
  }
  console.error('Building Sluice…');
  const projects = built.map((pkg) => join(pkg, 'tsconfig.build.json'));
  const { status } = spawnSync(process.execPath, [tsc, '-b', ...projects], { stdio: 'inherit' });
  if (status !== 0) process.exit(status ?? 1);
  // an edit that left a file as it was leaves its build info as it was too: not stale again
  const now = new Date();
  for (const pkg of built) utimesSync(join(pkg, 'dist', '.tsbuildinfo'), now, now);
}

// Node 22.1+ keeps the compiled code of the server's modules on disk: later starts skip compiling
module.enableCompileCache?.();
await import('../dist/cli.js');
