import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, type Dialect, dialects, sleep, startServer, type TestServer } from './helpers.ts';

// Extension folders written by the tests, loaded by a real server and observed over HTTP.

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const defineHookPath = join(root, 'packages/server/src/extensions/define.ts');

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A fresh extensions folder holding `files` (path → source). */
function extensionsFolder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-extensions-'));
  folders.push(dir);
  for (const [path, source] of Object.entries(files)) write(dir, path, source);
  return dir;
}

function write(dir: string, path: string, source: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), source);
}

/** Polls `check` until it returns a value other than undefined, for at most `ms`. */
async function eventually<T>(
  check: () => Promise<T | undefined>,
  ms = 3000,
  what = 'a condition',
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${ms} ms waiting for ${what}.`);
    await sleep(25);
  }
}

interface HooksListing {
  extensions: {
    id: string;
    extension: string;
    path: string;
    vocabulary: string | null;
    error: string | null;
  }[];
  hooks: { extension: string; kind: string; event: string; tags: string[]; priority: number }[];
  schedules: {
    extension: string;
    expression: string;
    lastRun: string | null;
    nextRun: string | null;
    running: boolean;
    runs: number;
    skipped: number;
  }[];
}

async function listHooks(server: TestServer): Promise<HooksListing> {
  const listed = await server.request<HooksListing>('GET', '/api/hooks', { token: server.adminToken });
  expect(listed.status).toBe(200);
  return listed.body;
}

/** A filter on `posts` creates appending `marker;` to the `trail` field. */
const append = (marker: string, options = "{ tags: ['posts'] }") =>
  `filter('records.create', (payload) => ({ ...payload, trail: (payload.trail ?? '') + '${marker};' }), ${options});`;

const loadOrderFiles: Record<string, string> = {
  // CommonJS, as a plain file
  'hooks/alpha.js': `module.exports = function ({ filter }) { ${append('alpha')} };`,
  // TypeScript: type-only syntax and an import of defineHook, no build step
  'hooks/beta/index.ts': `
import { defineHook } from ${JSON.stringify(defineHookPath)};
interface Trail { trail?: string; [field: string]: unknown }
const marker: string = 'beta' as const;
export default defineHook(({ filter }) => {
  filter('records.create', (payload: Trail): Trail => ({ ...payload, trail: (payload.trail ?? '') + marker + ';' }), { tags: ['posts'] });
});
`,
  // ESM; a second filter with a lower priority runs before every extension's default-priority ones
  'hooks/gamma/index.mjs': `
export default ({ filter, action }) => {
  ${append('gamma')}
  ${append('first', "{ tags: ['posts'], priority: -5 }")}
  ${append('elsewhere', "{ tags: ['other'] }")}
  action('items.create', () => {}, { tags: ['posts'], priority: 3 });
};
`,
  // bundles load after hooks/, by bundle then hook name, whatever their names
  'bundles/aaa/hooks/two.ts': `export default ({ filter }: any) => { ${append('aaa/two')} };`,
  'bundles/aaa/hooks/one.mjs': `export default ({ filter }) => { ${append('aaa/one')} };`,
  'bundles/0zero/hooks/only.cjs': `module.exports = ({ filter }) => { ${append('0zero/only')} };`,
  // Fails after registering a filter: reported, and nothing it registered stays
  'hooks/broken/index.js': `
module.exports = ({ filter }) => {
  ${append('broken')}
  throw new Error('broken on purpose');
};
`,
  // Does not even parse
  'hooks/delta.ts': 'export default ({ filter }) => { filter(( };',
};

describe.each(dialects)('extensions loaded by a running server (%s)', (dialect: Dialect) => {
  describe('load order, module systems and failures', () => {
    let server: TestServer;
    let dir: string;

    beforeAll(async () => {
      dir = extensionsFolder(loadOrderFiles);
      server = await startServer(dialect, { extensions: dir });
      await createCollection(server, {
        name: 'posts',
        fields: [
          { name: 'title', type: 'text' },
          { name: 'trail', type: 'text' },
        ],
        createRule: '',
        viewRule: '',
      });
    });

    afterAll(async () => {
      await server?.stop();
    });

    it('runs filters by priority, then hooks/ before bundles/, then folder name, then file name', async () => {
      const created = await server.request('POST', '/api/collections/posts/records', {
        body: { title: 'x' },
      });
      expect(created.status).toBe(200);
      expect(created.body.trail).toBe('first;alpha;beta;gamma;0zero/only;aaa/one;aaa/two;');
      const stored = await server.request('GET', `/api/collections/posts/records/${created.body.id}`);
      expect(stored.body.trail).toBe('first;alpha;beta;gamma;0zero/only;aaa/one;aaa/two;');
    });

    it('loads TypeScript, ESM and CommonJS without a build step, and reports the files that fail', async () => {
      const { extensions } = await listHooks(server);
      expect(
        extensions.map(({ extension, path, vocabulary, error }) => ({ extension, path, vocabulary, error })),
      ).toEqual([
        { extension: 'hooks/alpha', path: join(dir, 'hooks/alpha.js'), vocabulary: 'directus', error: null },
        {
          extension: 'hooks/beta',
          path: join(dir, 'hooks/beta/index.ts'),
          vocabulary: 'directus',
          error: null,
        },
        {
          extension: 'hooks/broken',
          path: join(dir, 'hooks/broken/index.js'),
          vocabulary: null,
          error: 'broken on purpose',
        },
        {
          extension: 'hooks/delta',
          path: join(dir, 'hooks/delta.ts'),
          vocabulary: null,
          error: expect.any(String),
        },
        {
          extension: 'hooks/gamma',
          path: join(dir, 'hooks/gamma/index.mjs'),
          vocabulary: 'directus',
          error: null,
        },
        {
          extension: 'bundles/0zero/only',
          path: join(dir, 'bundles/0zero/hooks/only.cjs'),
          vocabulary: 'directus',
          error: null,
        },
        {
          extension: 'bundles/aaa/one',
          path: join(dir, 'bundles/aaa/hooks/one.mjs'),
          vocabulary: 'directus',
          error: null,
        },
        {
          extension: 'bundles/aaa/two',
          path: join(dir, 'bundles/aaa/hooks/two.ts'),
          vocabulary: 'directus',
          error: null,
        },
      ]);
      expect(extensions.find((extension) => extension.extension === 'hooks/delta')!.error).not.toBe('');
    });

    it('keeps nothing a failed file registered before it threw', async () => {
      const { hooks } = await listHooks(server);
      expect(
        hooks.filter((hook) => hook.extension === 'hooks/broken' || hook.extension === 'hooks/delta'),
      ).toEqual([]);
      const created = await server.request('POST', '/api/collections/posts/records', { body: {} });
      expect(created.body.trail).not.toContain('broken');
    });

    it('GET /api/hooks lists each hook with its extension, kind, event pattern, tags and priority', async () => {
      const { hooks } = await listHooks(server);
      const fromExtensions = hooks.filter(
        (hook) => hook.extension !== 'app' && !hook.extension.startsWith('system:'),
      );
      // Filters first, each in the order it runs: priority, then load order.
      expect(fromExtensions).toEqual([
        { extension: 'hooks/gamma', kind: 'filter', event: 'records.create', tags: ['posts'], priority: -5 },
        { extension: 'hooks/alpha', kind: 'filter', event: 'records.create', tags: ['posts'], priority: 0 },
        { extension: 'hooks/beta', kind: 'filter', event: 'records.create', tags: ['posts'], priority: 0 },
        { extension: 'hooks/gamma', kind: 'filter', event: 'records.create', tags: ['posts'], priority: 0 },
        { extension: 'hooks/gamma', kind: 'filter', event: 'records.create', tags: ['other'], priority: 0 },
        {
          extension: 'bundles/0zero/only',
          kind: 'filter',
          event: 'records.create',
          tags: ['posts'],
          priority: 0,
        },
        {
          extension: 'bundles/aaa/one',
          kind: 'filter',
          event: 'records.create',
          tags: ['posts'],
          priority: 0,
        },
        {
          extension: 'bundles/aaa/two',
          kind: 'filter',
          event: 'records.create',
          tags: ['posts'],
          priority: 0,
        },
        { extension: 'hooks/gamma', kind: 'action', event: 'records.create', tags: ['posts'], priority: 3 },
      ]);
    });

    it('GET /api/hooks is for superusers only', async () => {
      const guest = await server.request('GET', '/api/hooks');
      expect(guest.status).toBe(401);
      expect(guest.text).not.toContain('hooks/alpha');
      const password = 'password-123456';
      const email = `user-${dialect}@example.com`;
      const signup = await server.request('POST', '/api/collections/users/records', {
        body: { email, password, passwordConfirm: password },
      });
      expect(signup.status).toBe(200);
      const login = await server.request('POST', '/api/collections/users/auth-with-password', {
        body: { identity: email, password },
      });
      expect(login.status).toBe(200);
      const user = await server.request('GET', '/api/hooks', { token: login.body.token });
      expect(user.status).toBe(403);
      expect(user.text).not.toContain('hooks/alpha');
      const forged = await server.request('GET', '/api/hooks', { token: `${server.adminToken}x` });
      expect([401, 403]).toContain(forged.status);
    });

    it('SLUICE_EXTENSIONS_MUST_LOAD=true makes start() fail, naming the file', async () => {
      const strict = extensionsFolder({
        'hooks/fine/index.mjs': `export default ({ filter }) => { ${append('fine')} };`,
        'hooks/wrong/index.mjs': `export default () => { throw new Error('cannot start like this'); };`,
      });
      await expect(
        startServer(dialect, { extensions: strict, env: { SLUICE_EXTENSIONS_MUST_LOAD: 'true' } }),
      ).rejects.toThrow(join(strict, 'hooks/wrong/index.mjs'));
      await expect(
        startServer(dialect, { extensions: strict, env: { SLUICE_EXTENSIONS_MUST_LOAD: 'true' } }),
      ).rejects.toThrow('cannot start like this');
      // Without it, the same folder starts and the good extension works.
      const lenient = await startServer(dialect, { extensions: strict });
      try {
        const listed = await listHooks(lenient);
        expect(listed.extensions.map((extension) => [extension.extension, extension.error])).toEqual([
          ['hooks/fine', null],
          ['hooks/wrong', 'cannot start like this'],
        ]);
      } finally {
        await lenient.stop();
      }
    });
  });

  describe('hot reload (dev)', () => {
    let server: TestServer;
    let dir: string;

    const stamping = (stamp: string) => `
import { defineHook } from ${JSON.stringify(defineHookPath)};
export default defineHook(({ filter, schedule }) => {
  filter('records.create', (payload) => ({ ...payload, stamp: '${stamp}' as string }), { tags: ['posts'] });
  schedule('0 0 1 1 *', () => {});
});
`;

    beforeAll(async () => {
      dir = extensionsFolder({
        'hooks/stamp/index.ts': stamping('v1'),
        'hooks/steady/index.mjs': `export default ({ filter }) => { ${append('steady')} };`,
      });
      server = await startServer(dialect, { extensions: dir, dev: true });
      await createCollection(server, {
        name: 'posts',
        fields: [
          { name: 'stamp', type: 'text' },
          { name: 'trail', type: 'text' },
        ],
        createRule: '',
      });
    });

    afterAll(async () => {
      await server?.stop();
    });

    const create = () => server.request('POST', '/api/collections/posts/records', { body: {} });

    it('a rewritten file changes the behaviour of new creates, and requests in flight still succeed', async () => {
      const before = await create();
      expect(before.status).toBe(200);
      expect(before.body).toMatchObject({ stamp: 'v1', trail: 'steady;' });

      // A burst of creates, eight at a time, from before the rewrite until v2 has been seen for a while.
      const results: { status: number; stamp: unknown; trail: unknown; started: number; ended: number }[] =
        [];
      let firstV2: number | undefined;
      let stop = false;
      const worker = async () => {
        while (!stop) {
          const started = performance.now();
          const response = await create();
          const ended = performance.now();
          results.push({
            status: response.status,
            stamp: response.body?.stamp,
            trail: response.body?.trail,
            started,
            ended,
          });
          if (response.body?.stamp === 'v2' && (firstV2 === undefined || ended < firstV2)) firstV2 = ended;
        }
      };
      const workers = Array.from({ length: 8 }, worker);
      await sleep(50);
      const rewritten = performance.now();
      write(dir, 'hooks/stamp/index.ts', stamping('v2'));
      await eventually(async () => firstV2, 10_000, 'a create stamped v2');
      await sleep(150);
      stop = true;
      await Promise.all(workers);

      expect(firstV2!).toBeGreaterThan(rewritten);
      expect(results.length).toBeGreaterThan(16);
      // Every request in the burst succeeded, and went through the unchanged extension.
      expect(results.filter((result) => result.status !== 200)).toEqual([]);
      expect(results.filter((result) => result.trail !== 'steady;')).toEqual([]);
      // Each create ran either the old or the new filter, never neither.
      expect(results.filter((result) => result.stamp !== 'v1' && result.stamp !== 'v2')).toEqual([]);
      // Once the new behaviour has been seen, nothing started afterwards shows the old one.
      expect(results.filter((result) => result.started > firstV2! && result.stamp !== 'v2')).toEqual([]);
      expect((await create()).body.stamp).toBe('v2');

      const { hooks, schedules } = await listHooks(server);
      expect(hooks.filter((hook) => hook.extension === 'hooks/stamp')).toHaveLength(1);
      expect(schedules.filter((schedule) => schedule.extension === 'hooks/stamp')).toHaveLength(1);
    });

    it('a file that fails to reload is reported and leaves the others running', async () => {
      write(dir, 'hooks/stamp/index.ts', 'export default () => { throw new Error("half-written"); };');
      await eventually(
        async () => {
          const { hooks } = await listHooks(server);
          return hooks.some((hook) => hook.extension === 'hooks/stamp') ? undefined : true;
        },
        3000,
        'the failed extension to be unregistered',
      );
      const created = await create();
      expect(created.status).toBe(200);
      expect(created.body).toMatchObject({ stamp: '', trail: 'steady;' });
      write(dir, 'hooks/stamp/index.ts', stamping('v3'));
      await eventually(async () => ((await create()).body.stamp === 'v3' ? true : undefined), 3000, 'v3');
    });

    it('a new file is loaded; a removed file unregisters its hooks and its schedule', async () => {
      write(dir, 'hooks/late/index.mjs', `export default ({ filter }) => { ${append('late')} };`);
      await eventually(
        async () => ((await create()).body.trail === 'steady;late;' ? true : undefined),
        3000,
        'the new extension',
      );
      expect((await listHooks(server)).schedules.map((schedule) => schedule.extension)).toEqual([
        'hooks/stamp',
      ]);

      rmSync(join(dir, 'hooks/stamp'), { recursive: true });
      rmSync(join(dir, 'hooks/late/index.mjs'));
      const listed = await eventually(
        async () => {
          const listing = await listHooks(server);
          const left = listing.hooks.filter(
            (hook) => hook.extension === 'hooks/stamp' || hook.extension === 'hooks/late',
          );
          return left.length === 0 ? listing : undefined;
        },
        3000,
        'the removed extensions to be unregistered',
      );
      expect(listed.schedules).toEqual([]);
      expect(listed.hooks.filter((hook) => hook.extension === 'hooks/steady')).toHaveLength(1);
      const created = await create();
      expect(created.status).toBe(200);
      expect(created.body).toMatchObject({ stamp: '', trail: 'steady;' });
    });
  });

  describe('schedules', () => {
    let server: TestServer;
    let dir: string;
    const errors: { extension: string; event: string; message: string; at: number }[] = [];
    let started = 0;

    const recording = (source: string, body = '') => `
import { defineHook } from ${JSON.stringify(defineHookPath)};
export default defineHook(({ schedule }, { services }) => {
  let active = 0;
  schedule('* * * * * *', async ({ startedAt }) => {
    active++;
    try {
      await (services as any).records.create('ticks', { source: '${source}', at: startedAt.toISOString(), active });
      ${body}
    } finally {
      active--;
    }
  });
});
`;

    beforeAll(async () => {
      dir = extensionsFolder({
        'hooks/ticker/index.ts': recording('ticker'),
        'hooks/slow/index.ts': recording(
          'slow',
          'await new Promise((resolve) => setTimeout(resolve, 2300));',
        ),
        'hooks/failing/index.mjs': `export default ({ schedule }) => { schedule('* * * * * *', () => { throw new Error('tick failed'); }); };`,
      });
      server = await startServer(dialect, {
        extensions: dir,
        dev: true,
        async setup(app) {
          await app.bootstrap();
          await app.services.collections.create(
            {
              name: 'ticks',
              type: 'base',
              fields: [
                { name: 'source', type: 'text' },
                { name: 'at', type: 'text' },
                { name: 'active', type: 'number' },
              ],
            },
            app.context(),
          );
          app.hooks.action('hook.error', (meta: any) => {
            errors.push({
              extension: meta.extension,
              event: meta.event,
              message: String(meta.error?.message),
              at: Date.now(),
            });
          });
        },
      });
      started = Date.now();
    });

    afterAll(async () => {
      await server?.stop();
    });

    async function ticks(source: string) {
      const listed = await server.request('GET', '/api/collections/ticks/records', {
        token: server.adminToken,
        query: { filter: `source = "${source}"`, perPage: 500, sort: 'at' },
      });
      expect(listed.status).toBe(200);
      return listed.body.items as { at: string; active: number }[];
    }

    it('runs every second, on the second; never overlaps a slow run; reports a throw as hook.error', async () => {
      // at least three ticks, however slow the machine: no fixed wait decides it
      await sleep(Math.max(0, started + 3300 - Date.now()));
      const ticker = await eventually(
        async () => {
          const found = await ticks('ticker');
          return found.length >= 3 ? found : undefined;
        },
        10_000,
        'three ticks',
      );
      // once a second: no two ticks in the same second (a busy machine may run one late, not twice)
      const seconds = ticker.map((tick) => Math.floor(Date.parse(tick.at) / 1000));
      for (let i = 1; i < seconds.length; i++) expect(seconds[i]!).toBeGreaterThan(seconds[i - 1]!);

      // The slow run (2.3 s) holds its schedule: the ticks in between are skipped, not overlapped.
      const slow = await ticks('slow');
      expect(slow.length).toBeGreaterThanOrEqual(1);
      expect(slow.every((tick) => tick.active === 1)).toBe(true);
      for (let i = 1; i < slow.length; i++) {
        expect(Date.parse(slow[i]!.at) - Date.parse(slow[i - 1]!.at)).toBeGreaterThanOrEqual(2300);
      }

      const { schedules } = await listHooks(server);
      const slowInfo = schedules.find((schedule) => schedule.extension === 'hooks/slow')!;
      expect(slowInfo).toMatchObject({ expression: '* * * * * *' });
      expect(slowInfo.skipped).toBeGreaterThanOrEqual(1);
      // A run may have started whose record is not written yet.
      expect([0, 1]).toContain(slowInfo.runs - slow.length);
      const tickerInfo = schedules.find((schedule) => schedule.extension === 'hooks/ticker')!;
      expect(tickerInfo.runs).toBeGreaterThanOrEqual(ticker.length);
      // the last run started after the first tick and before now
      const lastRun = Date.parse(tickerInfo.lastRun!);
      expect(lastRun).toBeGreaterThanOrEqual(Date.parse(ticker[0]!.at) - 1000);
      expect(lastRun).toBeLessThanOrEqual(Date.now());
      // on the second
      expect(Date.parse(tickerInfo.nextRun!) % 1000).toBe(0);
      expect(Date.parse(tickerInfo.nextRun!) - Date.now()).toBeLessThanOrEqual(1000);

      const failures = errors.filter((error) => error.extension === 'hooks/failing');
      expect(failures.length).toBeGreaterThanOrEqual(2);
      expect(failures[0]).toMatchObject({ event: 'schedule:* * * * * *', message: 'tick failed' });
      expect(errors.filter((error) => error.extension !== 'hooks/failing')).toEqual([]);
    });

    it('stops when its extension file is removed', async () => {
      rmSync(join(dir, 'hooks/ticker'), { recursive: true });
      rmSync(join(dir, 'hooks/failing/index.mjs'));
      await eventually(
        async () => {
          const { schedules } = await listHooks(server);
          return schedules.some(
            (schedule) => schedule.extension === 'hooks/ticker' || schedule.extension === 'hooks/failing',
          )
            ? undefined
            : true;
        },
        3000,
        'the schedules to be removed',
      );
      const count = (await ticks('ticker')).length;
      const failures = errors.length;
      await sleep(1500);
      expect(await ticks('ticker')).toHaveLength(count);
      expect(errors).toHaveLength(failures);
      expect((await listHooks(server)).schedules.map((schedule) => schedule.extension)).toEqual([
        'hooks/slow',
      ]);
    });
  });

  describe('custom routes', () => {
    let server: TestServer;

    beforeAll(async () => {
      const dir = extensionsFolder({
        // Directus' endpoint extension: (router, context) mounted at /<folder>
        'endpoints/greet/index.js': `
          module.exports = (router, { exceptions }) => {
            router.get('/', (req, res) => res.json({ hello: 'world' }));
            router.get('/:name', async (req, res) => {
              res.status(201).json({ name: req.params.name, q: req.query.q, admin: req.accountability.admin });
            });
            router.post('/echo', (req, res) => res.send({ got: req.body }));
            router.get('/refused/now', (req, res, next) => next(new exceptions.ForbiddenException('No.')));
          };`,
        // { id, handler }: the id, not the folder, is the mount path
        'endpoints/folder-name/index.ts': `
          export default {
            id: 'by-id',
            handler: (router: { get: Function }) => {
              router.get('/', (_req: unknown, res: { send(text: string): void }) => res.send('by id'));
            },
          };`,
        // PocketBase's routerAdd in a hook file
        'hooks/pb-routes.js': `
          export const vocabulary = 'pocketbase';
          export default ({ routerAdd, $app }) => {
            routerAdd('GET', '/api/hello/{name}', (e) => {
              return e.json(200, { message: 'Hello ' + e.request.pathValue('name'), auth: e.auth?.get('email') ?? null });
            });
            routerAdd('POST', '/api/shout', (e) => {
              const { body } = e.requestInfo();
              if (!body.text) throw new $app.exceptions.BadRequestError('Nothing to shout.');
              return e.string(200, String(body.text).toUpperCase());
            });
          };`,
        'hooks/route-order.js': `
          module.exports = ({ init }) => {
            const seen = {};
            const has = (app) => app.hasRoute({ method: 'GET', url: '/greet' }) && app.hasRoute({ method: 'GET', url: '/api/hello/:name' });
            init('routes.custom.before', ({ app }) => { seen.before = has(app); });
            init('routes.custom.after', ({ app }) => {
              seen.after = has(app);
              app.get('/api/route-order', async () => seen);
            });
          };`,
      });
      server = await startServer(dialect, { extensions: dir });
    });

    afterAll(async () => {
      await server?.stop();
    });

    it('registers them between routes.custom.before and routes.custom.after', async () => {
      expect((await server.request('GET', '/api/route-order')).body).toEqual({ before: false, after: true });
      const { extensions } = await listHooks(server);
      expect(extensions.filter((extension) => extension.extension.startsWith('endpoints/'))).toMatchObject([
        { extension: 'endpoints/folder-name', vocabulary: 'directus', error: null },
        { extension: 'endpoints/greet', vocabulary: 'directus', error: null },
      ]);
    });

    it('mounts Directus endpoints at /<id> with an Express-like request and response', async () => {
      expect(await server.request('GET', '/greet')).toMatchObject({ status: 200, body: { hello: 'world' } });
      expect(
        await server.request('GET', '/greet/ann', { query: { q: 'x' }, token: server.adminToken }),
      ).toMatchObject({
        status: 201,
        body: { name: 'ann', q: 'x', admin: true },
      });
      expect(await server.request('POST', '/greet/echo', { body: { a: 1 } })).toMatchObject({
        status: 200,
        body: { got: { a: 1 } },
      });
      expect(await server.request('GET', '/greet/refused/now')).toMatchObject({
        status: 403,
        body: { status: 403, message: 'No.' },
      });
      expect(await server.request('GET', '/by-id')).toMatchObject({ status: 200, text: 'by id' });
      expect((await server.request('GET', '/folder-name')).status).toBe(404);
    });

    it("answers PocketBase's routerAdd routes with e.json, e.string and the caller's auth", async () => {
      expect(await server.request('GET', '/api/hello/world')).toMatchObject({
        status: 200,
        body: { message: 'Hello world', auth: null },
      });
      const signedIn = await server.request('GET', '/api/hello/admin', { token: server.adminToken });
      expect(signedIn.body).toMatchObject({ message: 'Hello admin', auth: expect.stringContaining('@') });
      expect(await server.request('POST', '/api/shout', { body: { text: 'hey' } })).toMatchObject({
        status: 200,
        text: 'HEY',
      });
      expect(await server.request('POST', '/api/shout', { body: {} })).toMatchObject({
        status: 400,
        body: { message: 'Nothing to shout.' },
      });
    });
  });
});
