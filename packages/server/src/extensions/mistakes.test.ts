import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadExtensions } from './loader.ts';
import { setupHooks, withoutServer } from './testing.ts';

// What a user who wrote a file for another platform, or with a typo, is told.

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-mistakes-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

async function errorsOf(files: Record<string, string>, pbHooks = false) {
  const { hooks, logger } = setupHooks();
  const dir = folder(files);
  const loaded = await loadExtensions({
    dir: pbHooks ? undefined : dir,
    pbHooksDir: pbHooks ? dir : undefined,
    hooks,
    logger,
    context: { ...withoutServer, env: {} },
  });
  return { messages: loaded.map((extension) => extension.error?.message), loaded, hooks };
}

describe('mistakes in extension files', () => {
  it('loads a Kuzzle file without its marker when it registers through app.pipe / app.hook', async () => {
    const { messages, loaded, hooks } = await errorsOf({
      'hooks/k/index.mjs': `export default (app) => {
        app.pipe.register('generic:document:beforeWrite', (documents) => documents);
        app.hook.register('generic:document:afterWrite', () => {});
      };`,
    });
    expect(messages).toEqual([undefined]);
    expect(loaded[0]!.vocabulary).toBe('kuzzle');
    expect(new Set(hooks.registrations().map((registration) => registration.kind))).toEqual(
      new Set(['filter', 'action']),
    );
  });

  it('says which marker a file calling another platform’s functions lacks', async () => {
    const { messages } = await errorsOf({
      'hooks/pb/index.mjs': `export default ({ onRecordBeforeCreateRequest }) => { onRecordBeforeCreateRequest(() => {}); };`,
      'hooks/qelos/index.mjs': `export default ({ registerToHook }) => { registerToHook({ source: 'auth' }, () => {}); };`,
    });
    expect(messages[0]).toContain("add `export const vocabulary = 'pocketbase'`");
    expect(messages[1]).toContain("add `export const vocabulary = 'qelos'`");
    expect(messages.join('\n')).not.toContain('Cannot read properties of undefined');
  });

  it('suggests the nearest names for an unknown event, hook function or vocabulary', async () => {
    const { messages } = await errorsOf({
      'hooks/a/index.mjs': `export default ({ filter }) => { filter('itmes.create', () => {}); };`,
      'hooks/b/index.mjs': `export const vocabulary = 'pocketbse'; export default () => {};`,
      'hooks/c/index.mjs': `export const vocabulary = 'kuzzle';
        export default (app) => { app.pipe.register('generic:document:beforeWrit', (d) => d); };`,
      'hooks/d/index.mjs': `export const vocabulary = 'pocketbase';
        export default ({ onRecordBeforeCreateRequets }) => { onRecordBeforeCreateRequets(() => {}); };`,
    });
    expect(messages[0]).toContain('Did you mean "items.create"');
    expect(messages[1]).toContain('Did you mean "pocketbase"');
    expect(messages[2]).toContain('Did you mean "generic:document:beforeWrite"');
    expect(messages[3]).toContain('Did you mean "onRecordBeforeCreateRequest"');
  });

  it('suggests the nearest hook function for a typo in a pb_hooks file', async () => {
    const { messages } = await errorsOf(
      { 'main.pb.js': `onRecordAfterCreateReqest((e) => {}, "posts")\n` },
      true,
    );
    expect(messages[0]).toContain('onRecordAfterCreateReqest is not defined');
    expect(messages[0]).toContain('Did you mean "onRecordAfterCreateRequest"');
  });

  it('shows the line of a syntax error with the code around it', async () => {
    const { messages } = await errorsOf(
      { 'main.pb.js': `onRecordAfterCreateRequest((e) => {\n  console.log(e\n})\n` },
      true,
    );
    expect(messages[0]).toMatch(/main\.pb\.js:3:0\)/);
    expect(messages[0]).toContain('> 3 | })');
    expect(messages[0]).toContain('  2 |   console.log(e');
  });
});
