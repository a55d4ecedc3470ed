import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { environmentSettings } from './environment.ts';

const sources = fileURLToPath(new URL('..', import.meta.url));

function settingsRead(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return settingsRead(path);
    if (!entry.name.endsWith('.ts') || /\.test\.ts$|testing\.ts$/.test(entry.name)) return [];
    return [...readFileSync(path, 'utf8').matchAll(/\benv\.(SLUICE_[A-Z_]+)/g)].map((match) => match[1]!);
  });
}

describe('the environment settings in --help', () => {
  it('name every SLUICE_ setting the server reads', () => {
    const read = [...new Set(settingsRead(sources))];
    expect(read.length).toBeGreaterThan(10);
    const listed = new Set(environmentSettings.map(([name]) => name));
    expect(read.filter((name) => !listed.has(name))).toEqual([]);
  });
});
