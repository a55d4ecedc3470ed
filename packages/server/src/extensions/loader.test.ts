import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { discoverExtensions } from './discover.ts';
import { ExtensionLoadError, loadExtensions } from './loader.ts';
import { handlerContext, recordEvent, runFilter, setupHooks, withoutServer } from './testing.ts';

const defineHookPath = join(dirname(fileURLToPath(import.meta.url)), 'define.ts');
const dirs: string[] = [];

function extensionsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-extensions-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const FILES = {
  // TypeScript, canonical form
  'hooks/b-typescript/index.ts': `
    import { defineHook } from ${JSON.stringify(defineHookPath)};
    const stamp: string = 'ts';
    export default defineHook(({ filter }, { services }) => {
      filter('records.create', (payload: Record<string, unknown>) => ({ ...payload, stamps: [...(payload.stamps as string[] ?? []), stamp], service: (services as any).name }));
    });`,
  // CommonJS, Directus' older form returning an object
  'hooks/a-legacy/index.js': `
    module.exports = function registerHook({ exceptions }) {
      const { ForbiddenException } = exceptions;
      return {
        'items.create.articles.before': function (input) {
          if (input[0].forbidden) throw new ForbiddenException();
          input[0].stamps = [...(input[0].stamps || []), 'legacy'];
          return input;
        },
      };
    };`,
  // A plain file in hooks/, ESM
  'hooks/c-plain.mjs': `
    export default function registerHook({ filter }) {
      filter('items.create', (payload) => ({ ...payload, stamps: [...(payload.stamps ?? []), 'plain'] }));
    }`,
  // Kuzzle form, ESM with a marker
  'bundles/tools/hooks/kuzzle.mjs': `
    export const vocabulary = 'kuzzle';
    export default (app) => {
      app.pipe.register('generic:document:beforeWrite', async (documents) => {
        documents[0]._source.stamps = [...(documents[0]._source.stamps ?? []), 'kuzzle'];
        return documents;
      });
    };`,
  // PocketBase form, TypeScript
  'bundles/tools/hooks/pocketbase/index.ts': `
    export const vocabulary = 'pocketbase';
    export default ({ onRecordBeforeCreateRequest }: any) => {
      onRecordBeforeCreateRequest((e: any) => { e.record.stamps = [...(e.record.stamps ?? []), 'pocketbase']; }, 'articles');
    };`,
  // Qelos form, CommonJS with a marker
  'bundles/alerts/hooks/qelos.cjs': `
    module.exports = ({ registerToHook, getSdk }) => {
      registerToHook({ source: 'auth', kind: 'users', eventName: 'user-created' }, () => {
        getSdk().events.dispatch({ kind: 'users', eventName: 'welcomed' });
      });
    };
    module.exports.vocabulary = 'qelos';`,
};

describe('loadExtensions', () => {
  it('discovers hooks before bundles, then by name', () => {
    const dir = extensionsDir({ ...FILES, 'hooks/a-legacy/helper.js': '', 'hooks/notes.md': '' });
    expect(discoverExtensions(dir).map((entry) => entry.owner)).toEqual([
      'hooks/a-legacy',
      'hooks/b-typescript',
      'hooks/c-plain',
      'bundles/alerts/qelos',
      'bundles/tools/kuzzle',
      'bundles/tools/pocketbase',
    ]);
  });

  it('loads TypeScript, ESM and CommonJS in every form, each hook under its owner, in order', async () => {
    const { hooks, logger } = setupHooks();
    const dir = extensionsDir(FILES);
    const loaded = await loadExtensions({
      dir,
      hooks,
      logger,
      context: { ...withoutServer, services: { name: 'services' } as never },
    });
    expect(loaded.map(({ id, vocabulary, error }) => ({ id, vocabulary, error }))).toEqual([
      { id: 'a-legacy', vocabulary: 'directus-legacy', error: undefined },
      { id: 'b-typescript', vocabulary: 'directus', error: undefined },
      { id: 'c-plain', vocabulary: 'directus', error: undefined },
      { id: 'alerts/qelos', vocabulary: 'qelos', error: undefined },
      { id: 'tools/kuzzle', vocabulary: 'kuzzle', error: undefined },
      { id: 'tools/pocketbase', vocabulary: 'pocketbase', error: undefined },
    ]);
    expect(new Set(hooks.registrations().map((registration) => registration.owner))).toEqual(
      new Set(loaded.map((extension) => extension.owner)),
    );

    const { meta, tags } = recordEvent('articles', 'create');
    const payload = await runFilter(hooks, 'records.create', { title: 't' }, meta, handlerContext(), tags);
    expect(payload).toEqual({
      title: 't',
      stamps: ['legacy', 'ts', 'plain', 'kuzzle', 'pocketbase'],
      service: 'services',
    });
    await expect(
      runFilter(hooks, 'records.create', { forbidden: true }, meta, handlerContext(), tags),
    ).rejects.toMatchObject({ status: 403 });
  });

  it('gives dispatched events the extension’s plugin: source', async () => {
    const { hooks, logger } = setupHooks();
    const dir = extensionsDir(FILES);
    await loadExtensions({ dir, hooks, logger, context: withoutServer });
    const dispatched: unknown[] = [];
    hooks.action('plugin.event', (event: unknown) => void dispatched.push(event));
    const users = recordEvent('users', 'create', { key: 'u1', record: { id: 'u1' } });
    hooks.runAction('records.create', users.meta, handlerContext(), users.tags);
    await hooks.drain();
    expect(dispatched).toMatchObject([{ source: 'plugin:alerts', kind: 'users', eventName: 'welcomed' }]);
  });

  it('reports a file that fails to load, with its path, and loads the others', async () => {
    const { hooks, logger, lines } = setupHooks();
    const dir = extensionsDir({
      'hooks/a-good/index.js': `module.exports = ({ action }) => { action('items.create', () => {}); };`,
      'hooks/b-syntax/index.ts': `export default (: => {`,
      'hooks/c-throws/index.js': `module.exports = ({ action }) => { action('items.create', () => {}); action('items.craete', () => {}); };`,
      'hooks/d-good/index.mjs': `export default ({ action }) => { action('items.update', () => {}); };`,
    });
    const loaded = await loadExtensions({ dir, hooks, logger, context: { ...withoutServer, env: {} } });
    expect(loaded.map((extension) => [extension.id, extension.error === undefined])).toEqual([
      ['a-good', true],
      ['b-syntax', false],
      ['c-throws', false],
      ['d-good', true],
    ]);
    expect(hooks.registrations().map((registration) => registration.owner)).toEqual([
      'hooks/a-good',
      'hooks/d-good',
    ]);
    const errors = lines.filter((line) => line.level === 'error');
    expect(errors.map((line) => line.details.path)).toEqual([
      join(dir, 'hooks/b-syntax/index.ts'),
      join(dir, 'hooks/c-throws/index.js'),
    ]);
    expect(loaded[2]!.error!.message).toMatch(/items\.craete/);
  });

  it('throws an error naming the path when every extension must load', async () => {
    const { hooks, logger } = setupHooks();
    const dir = extensionsDir({ 'hooks/broken/index.js': `throw new Error('boom');` });
    const path = join(dir, 'hooks/broken/index.js');
    await expect(
      loadExtensions({ dir, hooks, logger, mustLoad: true, context: withoutServer }),
    ).rejects.toThrow(ExtensionLoadError);
    await expect(
      loadExtensions({ dir, hooks, logger, mustLoad: true, context: withoutServer }),
    ).rejects.toThrow(path);
    await expect(
      loadExtensions({
        dir,
        hooks,
        logger,
        context: { ...withoutServer, env: { SLUICE_EXTENSIONS_MUST_LOAD: 'true' } },
      }),
    ).rejects.toThrow(path);
  });

  it('refuses an unknown vocabulary marker and a module without a function', async () => {
    const { hooks, logger } = setupHooks();
    const dir = extensionsDir({
      'hooks/a/index.mjs': `export const vocabulary = 'strapi'; export default () => {};`,
      'hooks/b/index.mjs': `export default 42;`,
    });
    const loaded = await loadExtensions({ dir, hooks, logger, context: { ...withoutServer, env: {} } });
    expect(loaded.map((extension) => extension.error?.message)).toEqual([
      expect.stringMatching(/Unknown vocabulary "strapi"/),
      expect.stringMatching(/must export a function/),
    ]);
  });

  it('names the extension once on each line an extension logs', async () => {
    const { hooks } = setupHooks();
    const written: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void written.push(line) });
    const dir = extensionsDir({
      'hooks/logs.mjs': `
        export const vocabulary = 'kuzzle';
        export default (app) => { app.log.info('hello from kuzzle'); };`,
      'hooks/directus.mjs': `export default (_register, { logger }) => { logger.info('hello from directus'); };`,
    });
    await loadExtensions({ dir, hooks, logger, context: { ...withoutServer, env: {} } });
    const lines = written.filter((line) => line.includes('hello from'));
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line.match(/"extension":/g)).toHaveLength(1);
    expect(lines.map((line) => JSON.parse(line).extension)).toEqual(['hooks/directus', 'hooks/logs']);
  });
});
