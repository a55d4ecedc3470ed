import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentSettings } from '../packages/server/src/cli/environment.ts';
import { logLines, runSluice, startSluice } from './cli-process.ts';
import { createStorage, type Storage } from './helpers.ts';

let storage: Storage;
let dir: string;

beforeAll(async () => {
  storage = await createStorage('sqlite');
  dir = join(storage.dir, 'data');
});
afterAll(() => storage.destroy());

/** A stack trace's frame line. */
const STACK_FRAME = /^\s+at /m;

/** Each test runs the command several times, a process each: on a busy machine, seconds each. */
const SPAWNING = { timeout: 90_000 };

describe('sluice', SPAWNING, () => {
  it('prints its version', async () => {
    const { version } = JSON.parse(
      readFileSync(new URL('../packages/server/package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    for (const flag of ['--version', '-v']) {
      const run = await runSluice([flag]);
      expect(run).toEqual({ code: 0, stdout: `sluice ${version}\n`, stderr: '' });
    }
  });

  it('helps: every command, option and environment setting, exit 0', async () => {
    for (const args of [['help'], ['--help'], ['serve', '-h'], []]) {
      const run = await runSluice(args);
      expect(run.code, args.join(' ')).toBe(0);
      for (const line of [
        'sluice serve',
        'sluice admin create <email> <password>',
        'sluice superuser upsert',
      ])
        expect(run.stdout).toContain(line);
      for (const line of ['sluice migrate status', 'sluice collections import <file> [--delete-missing]'])
        expect(run.stdout).toContain(line);
      for (const option of ['--dir DIR', '--http HOST:PORT', '-v, --version'])
        expect(run.stdout).toContain(option);
      for (const [name] of environmentSettings) expect(run.stdout).toContain(name);
    }
  });

  it('says in one line what it did not understand, then the usage; never a stack trace', async () => {
    const cases: [string[], string][] = [
      [['frobnicate', '--dir', dir], 'Unknown command: sluice frobnicate'],
      [['admin', 'frob', '--dir', dir], 'Unknown command: sluice admin frob'],
      [['admin', '--dir', dir], 'Missing command: sluice admin create|update|upsert|delete|list'],
      [['serve', '--bogus', '--dir', dir], "Unknown option '--bogus'."],
      [['--bogus'], "Unknown option '--bogus'."],
      [['admin', 'delete', '--dir', dir], 'Missing argument <email> for sluice admin delete.'],
      [['migrate', 'status', 'extra', '--dir', dir], 'Unexpected argument for sluice migrate status: extra'],
    ];
    for (const [args, message] of cases) {
      const run = await runSluice(args);
      expect(run.code, args.join(' ')).toBe(1);
      expect(run.stdout).toBe('');
      const [first, blank, usage] = run.stderr.split('\n');
      expect([first, blank, usage]).toEqual([message, '', 'Usage: sluice <command> [options]']);
      expect(run.stderr).not.toMatch(STACK_FRAME);
    }
  });

  it('manages superusers: create, update, upsert (PocketBase’s superuser command too), list, delete', async () => {
    const where = ['--dir', dir];
    expect((await runSluice(['admin', 'create', 'one@example.com', 'password-one-1', ...where])).stdout).toBe(
      'Created superuser one@example.com.\n',
    );
    const duplicate = await runSluice(['admin', 'create', 'one@example.com', 'password-one-1', ...where]);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toMatch(/^Could not create the superuser: .*email/);
    expect(duplicate.stderr).not.toMatch(STACK_FRAME);
    expect(
      (await runSluice(['superuser', 'upsert', 'two@example.com', 'password-two-1', ...where])).stdout,
    ).toBe('Created superuser two@example.com.\n');
    expect(
      (await runSluice(['superuser', 'upsert', 'two@example.com', 'password-two-2', ...where])).stdout,
    ).toBe('Changed the password of superuser two@example.com.\n');
    expect((await runSluice(['admin', 'update', 'one@example.com', 'password-one-2', ...where])).code).toBe(
      0,
    );
    const missing = await runSluice(['admin', 'update', 'nobody@example.com', 'password-x-123', ...where]);
    expect([missing.code, missing.stderr]).toEqual([
      1,
      'Could not update the superuser: No superuser has the email nobody@example.com.\n',
    ]);
    const listed = await runSluice(['admin', 'list', ...where]);
    expect(listed.stdout.split('\n').map((line) => line.split('\t')[0])).toEqual([
      'one@example.com',
      'two@example.com',
      '',
    ]);

    // the passwords the commands set are the ones that sign in
    const { child, url } = await startSluice(where);
    try {
      const signIn = (identity: string, password: string) =>
        fetch(`${url}/api/collections/_superusers/auth-with-password`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ identity, password }),
        }).then((response) => response.status);
      expect(await signIn('one@example.com', 'password-one-2')).toBe(200);
      expect(await signIn('one@example.com', 'password-one-1')).toBe(400);
      expect(await signIn('two@example.com', 'password-two-2')).toBe(200);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }

    expect((await runSluice(['admin', 'delete', 'one@example.com', ...where])).stdout).toBe(
      'Deleted superuser one@example.com.\n',
    );
    expect((await runSluice(['superuser', 'list', ...where])).stdout).toMatch(/^two@example\.com\t\w+\t/);
  });

  it('reports and applies migrations', async () => {
    const fresh = join(storage.dir, 'fresh');
    const before = await runSluice(['migrate', 'status', '--dir', fresh]);
    expect(before.code).toBe(0);
    const rows = before.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^pending {2}\S+$/);
    expect(rows.at(-1)).toMatch(/^\d+ migrations? pending: sluice migrate up$/);
    const pending = rows.length - 1;
    expect(await runSluice(['migrate', 'up', '--dir', fresh])).toMatchObject({
      code: 0,
      stdout: `Applied ${pending} migration${pending === 1 ? '' : 's'}.\n`,
    });
    const after = await runSluice(['migrate', 'status', '--dir', fresh]);
    expect(
      after.stdout
        .trim()
        .split('\n')
        .slice(0, -1)
        .every((row) => row.startsWith('applied  ')),
    ).toBe(true);
    expect(after.stdout.trim().split('\n').at(-1)).toBe('Up to date.');
    expect((await runSluice(['migrate', '--dir', fresh])).stdout).toBe('Up to date.\n');
  });

  it('imports collections from JSON with progress, and exports them again', async () => {
    const folder = join(storage.dir, 'collections');
    const file = join(storage.dir, 'collections.json');
    const input = Array.from({ length: 12 }, (_, i) => ({
      name: `imported_${i}`,
      type: 'base',
      fields: [{ name: 'title', type: 'text' }],
    }));
    writeFileSync(file, JSON.stringify(input));
    const imported = await runSluice(['collections', 'import', file, '--dir', folder]);
    expect(imported.code).toBe(0);
    const progress = imported.stderr.trim().split('\n');
    expect(progress.at(-2)).toBe('Importing collections: 12/12');
    expect(progress.at(-1)).toBe(`Imported 12 collections from ${file}.`);
    expect(progress.length).toBeGreaterThan(3);

    const exported = await runSluice(['collections', 'export', '--dir', folder]);
    const names = (JSON.parse(exported.stdout) as { name: string }[]).map((collection) => collection.name);
    expect(names).toEqual(expect.arrayContaining(input.map((collection) => collection.name)));
    const out = join(storage.dir, 'export.json');
    expect((await runSluice(['collections', 'export', out, '--dir', folder])).code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(JSON.parse(exported.stdout));

    // auth collections keep their roles system field through an import that leaves it out
    type Exported = { name: string; type: string; fields: { name: string; system?: boolean }[] };
    const rolesOf = (collections: Exported[]) =>
      collections
        .find((collection) => collection.name === 'users')
        ?.fields.find((field) => field.name === 'roles');
    expect(rolesOf(JSON.parse(exported.stdout))).toMatchObject({ type: 'json', system: true });
    const stripped = (JSON.parse(exported.stdout) as Exported[]).map((collection) => ({
      ...collection,
      fields: collection.fields.filter((field) => field.name !== 'roles'),
    }));
    writeFileSync(file, JSON.stringify(stripped));
    expect((await runSluice(['collections', 'import', file, '--delete-missing', '--dir', folder])).code).toBe(
      0,
    );
    const again = await runSluice(['collections', 'export', '--dir', folder]);
    expect(rolesOf(JSON.parse(again.stdout))).toEqual(rolesOf(JSON.parse(exported.stdout)));

    writeFileSync(file, JSON.stringify([{ name: 'bad name!', type: 'base' }]));
    const invalid = await runSluice(['collections', 'import', file, '--dir', folder]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^Could not import .*collections\.0\.name/);
  });
});

describe('sluice serve', SPAWNING, () => {
  it('says at start-up what it loaded: database, cluster, extensions (and failures), schedules, URL', async () => {
    const extensions = join(storage.dir, 'summary-extensions');
    mkdirSync(join(extensions, 'hooks', 'nightly'), { recursive: true });
    mkdirSync(join(extensions, 'hooks', 'broken'), { recursive: true });
    const nightly = join(extensions, 'hooks', 'nightly', 'index.ts');
    const broken = join(extensions, 'hooks', 'broken', 'index.mjs');
    writeFileSync(nightly, `export default ({ schedule }) => { schedule('0 4 * * *', () => {}); };`);
    writeFileSync(broken, `throw new Error('broken on purpose');`);
    const summaryDir = join(storage.dir, 'summary');
    const { child, url, output } = await startSluice(['--dir', summaryDir, '--extensions', extensions]);
    child.kill('SIGTERM');
    await once(child, 'exit');
    const lines = logLines(output().stdout);
    const messages = lines.map((line) => line.msg);
    expect(messages).toContain(`Database: SQLite in ${join(summaryDir, 'data.db')}`);
    expect(messages).toContain('Cluster: none (one instance)');
    expect(messages).toContain(`Extension loaded: ${nightly} (directus)`);
    const failed = lines.find((line) => line.msg.startsWith('Extension failed:'));
    expect(failed).toMatchObject({ msg: `Extension failed: ${broken}: broken on purpose`, path: broken });
    expect(messages.find((message) => message.startsWith('Schedule: 0 4 * * *'))).toMatch(/next run \d{4}-/);
    expect(messages).toContain(`Sluice is listening on ${url}`);
  });

  it('says to use --http when its port is taken', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const { port } = taken.address() as { port: number };
    try {
      const run = await runSluice([
        'serve',
        '--dir',
        join(storage.dir, 'port'),
        '--http',
        `127.0.0.1:${port}`,
      ]);
      expect(run.code).toBe(1);
      const fatal = logLines(run.stdout).find((line) => line.level === 60);
      expect(fatal?.msg).toContain(`127.0.0.1:${port} is in use`);
      expect(fatal?.msg).toContain('--http HOST:PORT');
    } finally {
      taken.close();
    }
  });
});
