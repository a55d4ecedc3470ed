import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type LoadedExtension, loadExtensions } from './loader.ts';
import { handlerContext, recordEvent, runFilter, setupHooks, withoutServer } from './testing.ts';
import { type ExtensionWatcher, watchExtensions } from './watcher.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function write(dir: string, path: string, text: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
}

const stamping = (stamp: string) =>
  `export default ({ filter }) => { filter('items.create', (payload) => ({ ...payload, stamp: '${stamp}' })); };`;

async function watched() {
  const setup = setupHooks();
  const dir = mkdtempSync(join(tmpdir(), 'sluice-watch-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  write(dir, 'hooks/stamp/index.mjs', stamping('v1'));
  write(dir, 'hooks/other/index.mjs', stamping('other'));
  const reloads: { reloaded: LoadedExtension[]; removed: string[] }[] = [];
  let notify: (() => void) | undefined;
  const nextReload = () => new Promise<void>((resolve) => (notify = resolve));
  await loadExtensions({ dir, hooks: setup.hooks, logger: setup.logger, context: withoutServer });
  const watcher: ExtensionWatcher = await watchExtensions({
    dir,
    hooks: setup.hooks,
    logger: setup.logger,
    context: withoutServer,
    onReload: (reloaded, removed) => {
      reloads.push({ reloaded, removed });
      notify?.();
    },
  });
  cleanups.push(() => watcher.close());
  const stampOf = async () => {
    const { meta, tags } = recordEvent('articles', 'create');
    return (
      (await runFilter(setup.hooks, 'records.create', {}, meta, handlerContext(), tags)) as { stamp?: string }
    ).stamp;
  };
  return { ...setup, dir, reloads, nextReload, stampOf };
}

describe('watchExtensions', () => {
  it('reloads a changed extension: the new handler runs, the old one does not', async () => {
    const { dir, hooks, reloads, nextReload, stampOf } = await watched();
    expect(await stampOf()).toBe('v1');
    const reloaded = nextReload();
    write(dir, 'hooks/stamp/index.mjs', stamping('v2'));
    await reloaded;
    expect(reloads.at(-1)!.reloaded.map((extension) => extension.owner)).toEqual(['hooks/stamp']);
    expect(hooks.registrations().filter((registration) => registration.owner === 'hooks/stamp')).toHaveLength(
      1,
    );
    expect(await stampOf()).toBe('v2');
  });

  it('keeps the old hooks running until the new ones replace them: never neither', async () => {
    const { dir, nextReload, stampOf } = await watched();
    const seen = new Set<string | undefined>();
    let done = false;
    const reloaded = nextReload().then(() => {
      done = true;
    });
    write(dir, 'hooks/stamp/index.mjs', stamping('v2'));
    while (!done) {
      seen.add(await stampOf());
      await new Promise((resolve) => setImmediate(resolve));
    }
    await reloaded;
    seen.add(await stampOf());
    expect([...seen].sort()).toEqual(['v1', 'v2']);
  });

  it('unregisters a removed extension, and a broken reload leaves the others running', async () => {
    const { dir, hooks, lines, nextReload, stampOf } = await watched();
    let reloaded = nextReload();
    write(dir, 'hooks/stamp/index.mjs', 'export default (;');
    await reloaded;
    expect(lines.some((line) => line.level === 'error' && line.details.extension === 'hooks/stamp')).toBe(
      true,
    );
    expect(await stampOf()).toBe('other');

    reloaded = nextReload();
    unlinkSync(join(dir, 'hooks/other/index.mjs'));
    await reloaded;
    expect(hooks.registrations()).toEqual([]);
    expect(await stampOf()).toBeUndefined();

    reloaded = nextReload();
    write(dir, 'hooks/added/index.mjs', stamping('added'));
    await reloaded;
    expect(await stampOf()).toBe('added');
  });

  it('reloads an extension when a TypeScript file it imports changes', async () => {
    const { dir, nextReload, stampOf } = await watched();
    let reloaded = nextReload();
    write(dir, 'hooks/stamp/stamp.ts', `export const stamp: string = 'helper v1';`);
    write(
      dir,
      'hooks/stamp/index.ts',
      `import { stamp } from './stamp.ts';
       export default ({ filter }: any) => { filter('items.create', (payload: object) => ({ ...payload, stamp })); };`,
    );
    unlinkSync(join(dir, 'hooks/stamp/index.mjs'));
    await reloaded;
    expect(await stampOf()).toBe('helper v1');
    reloaded = nextReload();
    write(dir, 'hooks/stamp/stamp.ts', `export const stamp: string = 'helper v2';`);
    await reloaded;
    expect(await stampOf()).toBe('helper v2');
  });
});
