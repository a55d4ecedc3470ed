import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIRED_EVENTS_DIR } from '../packages/server/src/catalogue/fired-events.ts';
import { collectOutput, runSluice, sluiceBin } from './cli-process.ts';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  createStorage,
  type Dialect,
  dialects,
  request,
  type Storage,
  sleep,
  startServer,
  type TestServer,
  until,
} from './helpers.ts';

const initOrder = [
  'app.bootstrap',
  'app.bootstrapped',
  'app.before',
  'middlewares.before',
  'middlewares.after',
  'routes.before',
  'routes.after',
  'routes.custom.before',
  'routes.custom.after',
  'app.after',
] as const;

describe.each(dialects)('app lifecycle (%s)', (dialect: Dialect) => {
  let storage: Storage;

  beforeAll(async () => {
    storage = await createStorage(dialect);
  });

  afterAll(async () => {
    await storage?.destroy();
  });

  describe('a running server', () => {
    let server: TestServer;
    const fired: string[] = [];
    let started: { server: unknown } | undefined;

    beforeAll(async () => {
      server = await startServer(dialect, {
        storage,
        setup(app) {
          for (const name of initOrder) app.hooks.init(name, () => void fired.push(name));
          app.hooks.init('routes.custom.before', (meta: { app: any }) => {
            meta.app.get('/custom', () => ({ custom: true, dialect }));
          });
          app.hooks.action('server.start', (meta) => {
            started = meta;
          });
        },
      });
      await server.app.hooks.drain();
    });

    afterAll(async () => {
      await server?.stop();
    });

    it('answers GET /api/health', async () => {
      const response = await server.request('GET', '/api/health');
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ code: 200 });
    });

    it('runs the init events once each, in the documented order', () => {
      expect(fired).toEqual([...initOrder]);
    });

    it('serves a route added in routes.custom.before', async () => {
      const response = await server.request('GET', '/custom');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ custom: true, dialect });
    });

    it('fires server.start with the listening HTTP server', () => {
      expect(started).toBeDefined();
      expect(started!.server).toBe(server.app.http.server);
    });

    it('creates the superuser from the environment, who can log in', async () => {
      expect(server.adminToken).not.toBe('');
      const list = await server.request('GET', '/api/collections/_superusers/records', {
        token: server.adminToken,
      });
      expect(list.status).toBe(200);
      expect(list.body.totalItems).toBe(1);
      expect(list.body.items[0].email).toBe(ADMIN_EMAIL);
    });
  });

  it('does not create the superuser twice when restarted on the same data', async () => {
    const first = await startServer(dialect, { storage });
    const ids = await first.request('GET', '/api/collections/_superusers/records', {
      token: first.adminToken,
    });
    await first.stop();

    const again = await startServer(dialect, { storage });
    try {
      const login = await again.request('POST', '/api/collections/_superusers/auth-with-password', {
        body: { identity: ADMIN_EMAIL, password: ADMIN_PASSWORD },
      });
      expect(login.status).toBe(200);
      expect(login.body.record.email).toBe(ADMIN_EMAIL);
      const list = await again.request('GET', '/api/collections/_superusers/records', {
        token: login.body.token,
      });
      expect(list.status).toBe(200);
      expect(list.body.totalItems).toBe(1);
      expect(list.body.items[0].id).toBe(ids.body.items[0].id);
    } finally {
      await again.stop();
    }
  });

  it('drains pending actions and runs app.terminate before stop() resolves', async () => {
    const steps: string[] = [];
    const server = await startServer(dialect, {
      storage,
      setup(app) {
        app.hooks.action('records.create', async () => {
          steps.push('action started');
          await sleep(100);
          steps.push('action finished');
        });
        app.hooks.init('app.terminate', async (meta: { app: any }) => {
          const rows = await meta.app.database.db.selectFrom('users').select('id').execute();
          steps.push(`terminate saw ${rows.length} user(s)`);
        });
      },
    });
    const created = await server.request('POST', '/api/collections/users/records', {
      body: { email: 'drain@example.com', password: 'password-123', passwordConfirm: 'password-123' },
    });
    expect(created.status).toBe(200);
    await server.stop();
    steps.push('stopped');
    expect(steps).toEqual(['action started', 'action finished', 'terminate saw 1 user(s)', 'stopped']);

    const closed = await request(server.url, 'GET', '/api/health').catch((error: Error) => error);
    expect(closed).toBeInstanceOf(Error);
  });

  it('ends stop() within one shutdown timeout shared by its steps, giving up on what hangs', async () => {
    const steps: string[] = [];
    const lines: string[] = [];
    const shutdownTimeoutMs = 200;
    const server = await startServer(dialect, {
      storage,
      shutdownTimeoutMs,
      logger: pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) }),
      setup(app) {
        app.hooks.action('records.create', () => new Promise(() => steps.push('hanging action started')), {
          tags: ['users'],
        });
        app.hooks.init('app.terminate', () => new Promise(() => steps.push('hanging terminate started')));
        app.hooks.init('routes.custom.before', (meta: { app: any }) => {
          meta.app.get('/never-answers', () => new Promise(() => steps.push('hanging request started')));
        });
      },
    });
    // no request logs left to write at the end: their flush would be one more step given up
    const noLogs = await server.request('PATCH', '/api/settings', {
      token: server.adminToken,
      body: { logs: { maxDays: 0 } },
    });
    expect(noLogs.status).toBe(200);
    const created = await server.request('POST', '/api/collections/users/records', {
      body: { email: 'hang@example.com', password: 'password-123', passwordConfirm: 'password-123' },
    });
    expect(created.status).toBe(200);
    await server.app.services.logs.buffer.flush();
    const hangingRequest = server.request('GET', '/never-answers').catch((error: Error) => error);
    await until(() => steps.includes('hanging request started'), 5000, 'the request to arrive');
    await server.stop();

    expect(steps).toEqual(['hanging action started', 'hanging request started', 'hanging terminate started']);
    expect(await hangingRequest).toBeInstanceOf(Error);
    const givenUp = lines.map((line) => JSON.parse(line)).filter((entry) => entry.step);
    expect(givenUp.map((entry) => entry.step)).toEqual([
      'closing the HTTP server',
      'the pending actions and mails',
      'app.terminate',
      'the actions and mails from app.terminate',
    ]);
    // one deadline for all of them, not a timeout each
    const given = givenUp.reduce((sum, entry) => sum + entry.givenMs, 0);
    expect(given).toBeLessThan(2 * shutdownTimeoutMs);
  });
});

describe('sluice serve', () => {
  it('exits on SIGTERM, giving up at the shutdown timeout on an action that never settles', async () => {
    const storage = await createStorage('sqlite');
    const extensions = join(storage.dir, 'extensions');
    mkdirSync(join(extensions, 'hooks', 'hang'), { recursive: true });
    writeFileSync(
      join(extensions, 'hooks', 'hang', 'index.mjs'),
      'export default ({ action }) => { action("server.start", () => new Promise(() => {})); };',
    );
    const child = spawn(
      process.execPath,
      [
        sluiceBin,
        'serve',
        '--dir',
        join(storage.dir, 'data'),
        '--http',
        '127.0.0.1:0',
        '--extensions',
        extensions,
      ],
      {
        env: {
          PATH: process.env.PATH,
          SLUICE_SHUTDOWN_TIMEOUT_MS: '200',
          [FIRED_EVENTS_DIR]: process.env[FIRED_EVENTS_DIR],
        },
      },
    );
    try {
      const output = collectOutput(child);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      await until(() => output().stdout.includes('Sluice is listening on'), 15_000, 'sluice serve to listen');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output().stdout).toContain('gave up on the pending actions and mails');
    } finally {
      child.kill('SIGKILL');
      await storage.destroy();
    }
  });
});

describe('createApp in a script of its own', () => {
  // nothing the app made (schedules, timers, connections) may keep the script's process alive
  it('lets the process end once stop() has resolved', async () => {
    const storage = await createStorage('sqlite');
    const script = `import { createApp } from 'sluice';
      const app = createApp({ dir: ${JSON.stringify(join(storage.dir, 'data'))}, http: '127.0.0.1:0',
        logLevel: 'silent', extensions: false });
      await app.start();
      await app.stop();
      console.log('stopped');`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { PATH: process.env.PATH },
    });
    try {
      const output = collectOutput(child);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      await until(() => output().stdout.includes('stopped'), 15_000, 'the app to stop');
      const stillRunning = sleep(10_000).then(() => 'still running');
      expect(await Promise.race([exited, stillRunning])).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await storage.destroy();
    }
  });
});

describe('sluice CLI', () => {
  it('runs a command an extension added in cli.before, next to the built-in ones', {
    timeout: 90_000,
  }, async () => {
    const storage = await createStorage('sqlite');
    const extensions = join(storage.dir, 'extensions');
    mkdirSync(join(extensions, 'hooks', 'hello'), { recursive: true });
    writeFileSync(
      join(extensions, 'hooks', 'hello', 'index.mjs'),
      `export default ({ init }) => {
        init('cli.before', ({ program }) => {
          program
            .command('hello <name>')
            .description('Says hello.')
            .option('--shout')
            .action(async (name, options) => {
              const text = 'Hello, ' + name + '!';
              console.log(options.shout ? text.toUpperCase() : text);
            });
        });
        init('cli.after', ({ program }) => {
          console.log('commands: ' + program.commands.map((command) => command.name()).join(','));
        });
      };`,
    );
    const where = ['--dir', join(storage.dir, 'data'), '--extensions', extensions];
    try {
      const hello = await runSluice(['hello', 'world', '--shout', ...where]);
      expect(hello.stderr).toBe('');
      expect(hello.code).toBe(0);
      expect(hello.stdout).toBe(
        'commands: hello,serve,admin,superuser,migrate,collections,events\nHELLO, WORLD!\n',
      );
      const admin = await runSluice(['admin', 'create', 'cli@example.com', 'password-123', ...where]);
      expect(admin.code).toBe(0);
      expect(admin.stdout).toContain('Created superuser cli@example.com.');
      const unknown = await runSluice(['goodbye', ...where]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('sluice hello <name> [--shout]  Says hello.');
    } finally {
      await storage.destroy();
    }
  });
});
