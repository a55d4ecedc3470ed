import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchChromium } from './browser.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, signUp, startServer, type TestServer } from './helpers.ts';
import { smtpServer } from './smtp.ts';

// The admin UI in a real Chromium against a real server: every step goes through the pages, and
// what they did is checked through the REST API. Screenshots land in test-results/admin/.

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const shots = join(root, 'test-results', 'admin');
const defineHookPath = join(root, 'packages/server/src/extensions/define.ts');

if (!browserAvailable)
  console.warn(
    'Skipping the admin UI browser tests: /usr/bin/chromium is missing (apt-get install chromium).',
  );

/** A webhook target on 127.0.0.1: answers 500 until told to accept. */
async function receiver() {
  const bodies: string[] = [];
  let accept = false;
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      bodies.push(body);
      response
        .writeHead(accept ? 200 : 500, { 'content-type': 'text/plain' })
        .end(accept ? 'ok' : 'receiver down');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    bodies,
    accept: () => {
      accept = true;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.skipIf(!browserAvailable)('the admin UI in Chromium', () => {
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof smtpServer>>;
  let target: Awaited<ReturnType<typeof receiver>>;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let extensions: string;
  const problems: string[] = [];

  const open = async (hash: string) => {
    await page.goto(`${server.url}/_/#${hash}`);
  };
  const shot = (name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    await build({ root: join(root, 'packages/admin'), logLevel: 'error' });
    mkdirSync(shots, { recursive: true });
    extensions = mkdtempSync(join(tmpdir(), 'sluice-admin-ext-'));
    mkdirSync(join(extensions, 'hooks/titles'), { recursive: true });
    writeFileSync(
      join(extensions, 'hooks/titles/index.ts'),
      `import { defineHook } from ${JSON.stringify(defineHookPath)};
export default defineHook(({ filter, schedule }) => {
  filter('records.create', (payload) => payload, { tags: ['posts'], priority: 7 });
  schedule('0 0 1 1 *', () => {});
});
`,
    );
    mkdirSync(join(extensions, 'hooks/broken'), { recursive: true });
    writeFileSync(
      join(extensions, 'hooks/broken/index.ts'),
      'throw new Error("the broken hook file fails on purpose");\n',
    );
    smtp = await smtpServer();
    target = await receiver();
    server = await startServer('sqlite', { extensions, env: { SLUICE_WEBHOOKS_ALLOW_PRIVATE: 'true' } });
    const settings = await server.request('PATCH', '/api/settings', {
      token: server.adminToken,
      body: {
        meta: { appURL: server.url },
        smtp: { enabled: true, host: '127.0.0.1', port: smtp.port, tls: false },
      },
    });
    expect(settings.status, settings.text).toBe(200);
    browser = await launchChromium();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      // the browser logs every 4xx answer; the pages show those themselves
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
        problems.push(`console: ${message.text()}`);
    });
    page.on('dialog', (dialog) => void dialog.accept());
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await target?.close();
    await smtp?.close();
    if (extensions) rmSync(extensions, { recursive: true, force: true });
  });

  it('serves the UI at /_/ with a strict content security policy', async () => {
    const response = await fetch(`${server.url}/_/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await response.text()).toContain('<div id="app">');
    expect((await fetch(`${server.url}/_/some/deep/path`)).status).toBe(200);
    expect((await fetch(`${server.url}/_/assets/missing.js`)).status).toBe(404);
  });

  it('signs a superuser in', async () => {
    await open('/');
    await page.getByLabel('Email').fill(ADMIN_EMAIL);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Collections' }).waitFor();
    await shot('collections');
  });

  it('creates a collection with a relation and a file field, showing a rule error where it occurs', async () => {
    await open('/collections/new');
    await page.getByLabel('Name', { exact: true }).fill('posts');
    const addField = page.getByRole('button', { name: 'Add field' });
    for (const [name, type] of [
      ['title', 'text'],
      ['author', 'relation'],
      ['attachment', 'file'],
    ] as const) {
      await addField.click();
      await page.getByLabel('Field name').last().fill(name);
      await page.getByLabel('Field type').last().selectOption(type);
    }
    await page.getByLabel('Related collection').selectOption({ label: 'users' });
    const listRule = page.getByRole('group', { name: 'API rules' });
    await listRule.getByRole('checkbox').first().uncheck();
    await page.getByLabel('listRule').fill('title ~~ "x"');
    await page.getByRole('button', { name: 'Create' }).click();
    const ruleError = page.locator('.field.invalid').filter({ has: page.getByLabel('listRule') });
    await ruleError.getByRole('alert').waitFor();
    expect(await page.getByLabel('listRule').getAttribute('aria-invalid')).toBe('true');
    await shot('collection-rule-error');
    await page.getByLabel('listRule').fill('title != ""');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'Edit posts' }).waitFor();
    const created = await server.request('GET', '/api/collections/posts', { token: server.adminToken });
    expect(created.status).toBe(200);
    expect(created.body.listRule).toBe('title != ""');
    const fields = Object.fromEntries(created.body.fields.map((field: any) => [field.name, field]));
    expect(fields.title.type).toBe('text');
    expect(fields.author.type).toBe('relation');
    expect(fields.attachment.type).toBe('file');
    await shot('collection-editor');
  });

  it('adds, filters, edits and deletes records, and shows records created elsewhere as they arrive', async () => {
    const author = await signUp(server, 'ada');
    await open('/collections/posts');
    await page.getByRole('button', { name: 'New record' }).click();
    const creating = page.getByRole('form', { name: 'New record' });
    await creating.getByLabel('title').fill('Hello from the UI');
    await creating.getByLabel('author').selectOption(author.id);
    await creating.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('cell', { name: 'Hello from the UI' }).waitFor();
    expect(await server.count('posts', `title = "Hello from the UI" && author = "${author.id}"`)).toBe(1);

    // a record created through the API appears without a reload
    const other = await server.request('POST', '/api/collections/posts/records', {
      token: server.adminToken,
      body: { title: 'Made elsewhere' },
    });
    expect(other.status, other.text).toBe(200);
    await page.getByRole('cell', { name: 'Made elsewhere' }).waitFor();
    await page.getByText(`Live: record ${other.body.id} created.`).waitFor();

    await page.getByLabel('Filter', { exact: true }).fill('title ~~ "x"');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.locator('.toolbar .error-text').waitFor();
    await shot('records-filter-error');
    await page.getByLabel('Filter', { exact: true }).fill('title = "Made elsewhere"');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('1 records').waitFor();
    expect(await page.getByRole('cell', { name: 'Hello from the UI' }).count()).toBe(0);

    await page.getByRole('button', { name: `Edit ${other.body.id}` }).click();
    const editing = page.getByRole('form', { name: `Record ${other.body.id}` });
    await editing.getByLabel('title').fill('Edited in the UI');
    await editing.getByRole('button', { name: 'Save' }).click();
    await editing.waitFor({ state: 'detached' });
    await page.getByLabel('Filter', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('cell', { name: 'Edited in the UI' }).waitFor();
    expect(await server.count('posts', 'title = "Edited in the UI"')).toBe(1);
    await shot('records');

    await page.getByRole('button', { name: `Edit ${other.body.id}` }).click();
    await page
      .getByRole('form', { name: `Record ${other.body.id}` })
      .getByRole('button', { name: 'Delete' })
      .click();
    await page.getByRole('cell', { name: 'Edited in the UI' }).waitFor({ state: 'detached' });
    expect(await server.count('posts', 'title = "Edited in the UI"')).toBe(0);
  });
});
