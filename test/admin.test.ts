import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
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

  /** Loads a page afresh, even when the browser shows it already. */
  const open = async (hash: string) => {
    const url = `${server.url}/_/#${hash}`;
    if (page.url() === url) await page.reload();
    else await page.goto(url);
  };
  /** Refreshes a deliveries list, each time once its last refresh answered, until `shown` is there. */
  const refreshUntil = async (deliveries: Locator, shown: Locator, what: string) => {
    const giveUp = Date.now() + 20_000;
    while ((await shown.count()) === 0) {
      expect(Date.now() < giveUp, what).toBe(true);
      const answered = page.waitForResponse((response) => response.url().includes('/deliveries'));
      await deliveries.getByRole('button', { name: 'Refresh' }).click();
      await answered;
    }
  };
  const shot = (name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    // the UI as `npm install` builds it (vitest's NODE_ENV=test would make a development build)
    execFileSync('npm', ['run', 'build', '-w', '@sluice/admin'], {
      cwd: root,
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: 'ignore',
    });
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
    // a step that cannot happen fails naming itself, well before the test's own timeout
    page.setDefaultTimeout(10_000);
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
    // live updates still arrive after the filter changed
    const later = await server.request('POST', '/api/collections/posts/records', {
      token: server.adminToken,
      body: { title: 'Live after filtering' },
    });
    expect(later.status, later.text).toBe(200);
    await page.getByRole('cell', { name: 'Live after filtering' }).waitFor();
    await shot('records');

    await page.getByRole('button', { name: `Edit ${other.body.id}` }).click();
    await page
      .getByRole('form', { name: `Record ${other.body.id}` })
      .getByRole('button', { name: 'Delete' })
      .click();
    await page.getByRole('cell', { name: 'Edited in the UI' }).waitFor({ state: 'detached' });
    expect(await server.count('posts', 'title = "Edited in the UI"')).toBe(0);
  });

  it('uploads a file and shows its thumb', async () => {
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64',
    );
    await open('/collections/posts');
    await page.getByRole('button', { name: 'New record' }).click();
    const creating = page.getByRole('form', { name: 'New record' });
    await creating.getByLabel('title').fill('With a file');
    await creating
      .getByLabel('attachment')
      .setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: png });
    await creating.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('cell', { name: 'With a file' }).waitFor();
    const [record] = (
      await server.request('GET', '/api/collections/posts/records', {
        token: server.adminToken,
        query: { filter: 'title = "With a file"' },
      })
    ).body.items;
    await page.getByRole('button', { name: `Edit ${record.id}` }).click();
    const thumb = page.getByRole('form', { name: `Record ${record.id}` }).getByRole('img');
    await thumb.waitFor();
    await page.waitForFunction(
      (image) =>
        (image as { complete: boolean; naturalWidth: number }).complete &&
        (image as { naturalWidth: number }).naturalWidth > 0,
      await thumb.elementHandle(),
    );
    await shot('record-file-thumb');
  });

  it('saves and picks a view, and shows, reverts and redacts a revision', async () => {
    const made = await server.request('POST', '/api/collections/posts/records', {
      token: server.adminToken,
      body: { title: 'Revision one' },
    });
    expect(made.status, made.text).toBe(200);
    const changed = await server.request('PATCH', `/api/collections/posts/records/${made.body.id}`, {
      token: server.adminToken,
      body: { title: 'Revision two' },
    });
    expect(changed.status, changed.text).toBe(200);
    await open('/collections/posts');
    await page.getByLabel('Filter', { exact: true }).fill('title = "Revision two"');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByLabel('Save this view as').fill('Second revisions');
    await page.getByRole('button', { name: 'Save view' }).click();
    await page.locator('option', { hasText: 'Second revisions' }).waitFor({ state: 'attached' });
    const presets = await server.request('GET', '/api/presets', { token: server.adminToken });
    expect(presets.body.items).toEqual([
      expect.objectContaining({
        name: 'Second revisions',
        collection: 'posts',
        filter: 'title = "Revision two"',
      }),
    ]);
    await page.reload();
    await page.getByLabel('Saved view').selectOption({ label: 'Second revisions' });
    await page.getByText('1 records').waitFor();

    const opened = async () => {
      await page.getByRole('button', { name: `Edit ${made.body.id}` }).click();
      const editor = page.getByRole('form', { name: `Record ${made.body.id}` });
      await editor.getByText(/^History/).click();
      return editor;
    };
    let editor = await opened();
    await editor.getByRole('cell', { name: '"Revision two"' }).first().waitFor();
    await editor.getByRole('cell', { name: '"Revision one"' }).first().waitFor();
    await shot('record-revisions');
    await editor.getByRole('button', { name: 'Revert to this revision' }).first().click();
    await editor.waitFor({ state: 'detached' });
    expect(await server.count('posts', `id = "${made.body.id}" && title = "Revision one"`)).toBe(1);

    await page.getByLabel('Filter', { exact: true }).fill(`id = "${made.body.id}"`);
    await page.getByRole('button', { name: 'Apply' }).click();
    editor = await opened();
    await editor.getByText('History (3 revisions)').waitFor();
    await editor.getByRole('button', { name: 'Redact title' }).first().click();
    await editor.getByRole('button', { name: 'Redact title' }).first().waitFor({ state: 'detached' });
    const history = await server.request('GET', `/api/revisions/posts/${made.body.id}`, {
      token: server.adminToken,
    });
    const revisions = history.body.items ?? history.body;
    expect(revisions).toHaveLength(3);
    for (const revision of revisions) {
      expect(revision.data).not.toHaveProperty('title');
      expect(revision.delta).not.toHaveProperty('title');
    }
    await shot('record-revisions-redacted');
  });

  it("shows each extension with its load error, each hook's kind, event, tags and priority, and schedules", async () => {
    await open('/hooks');
    const broken = page.getByRole('listitem').filter({ hasText: 'hooks/broken' });
    await broken.getByText('the broken hook file fails on purpose').waitFor();
    await broken.getByText('load error').waitFor();
    const hook = page
      .getByRole('row')
      .filter({ hasText: 'records.create' })
      .filter({ hasText: 'hooks/titles' });
    expect(await hook.getByRole('cell').allInnerTexts()).toEqual([
      'records.create',
      'filter',
      'posts',
      '7',
      'hooks/titles',
    ]);
    await page.getByRole('row').filter({ hasText: '0 0 1 1 *' }).waitFor();
    const crons = await server.request('GET', '/api/crons', { token: server.adminToken });
    if (crons.status === 404) {
      await page.getByText('Running a schedule now is not available on this server.').waitFor();
    } else {
      const job = page.getByRole('list', { name: 'Cron jobs' }).getByRole('listitem').first();
      await job.getByRole('button', { name: /Run now/ }).click();
      await page.getByText(/ ran\.$/).waitFor();
    }
    await shot('hooks');
  });

  it('browses the catalogue by vocabulary', async () => {
    await open('/catalogue');
    await page.getByLabel('Vocabulary').selectOption('pocketbase');
    await page.getByLabel('Search').fill('onRecordBeforeCreateRequest');
    const row = page.getByRole('row').filter({ hasText: 'onRecordBeforeCreateRequest' });
    await row.waitFor();
    expect(await row.getByRole('cell').first().textContent()).toContain('records.create');
    await page.getByLabel('Vocabulary').selectOption('kuzzle');
    await page.getByLabel('Search').fill('records.create');
    await page
      .getByRole('cell', { name: /document:beforeCreate/ })
      .first()
      .waitFor();
    await shot('catalogue');
  });

  it('creates a webhook, shows a failed delivery with its attempt, and replays it', async () => {
    await open('/webhooks/new');
    const form = page.getByRole('form', { name: 'New webhook' });
    await form.getByLabel('URL').fill(target.url);
    await form.getByLabel('Events').fill('records.create');
    await form.getByLabel('Tags').fill('posts');
    await form.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('form', { name: 'Webhook settings' }).waitFor();
    const created = await server.request('POST', '/api/collections/posts/records', {
      token: server.adminToken,
      body: { title: 'Sent out' },
    });
    expect(created.status, created.text).toBe(200);
    const deliveries = page.getByRole('region', { name: 'Deliveries' });
    const delivery = deliveries.getByRole('listitem').filter({ hasText: 'records.create' });
    await refreshUntil(deliveries, delivery.getByRole('cell', { name: '500' }), 'the failed attempt shows');
    await delivery.getByRole('cell', { name: 'receiver down' }).waitFor();
    await shot('webhook-failed-delivery');
    target.accept();
    await delivery.getByRole('button', { name: /Replay/ }).click();
    await page.getByText(/is being sent again/).waitFor();
    await refreshUntil(deliveries, delivery.getByText('delivered'), 'the replay is delivered');
    expect(await delivery.getByRole('cell', { name: '200' }).count()).toBe(1);
    expect(target.bodies.length).toBeGreaterThanOrEqual(2);
    expect(target.bodies.at(-1)).toContain('Sent out');
    await shot('webhook-replayed');
  });

  it('saves the application settings and sends a test email', async () => {
    await open('/settings');
    await page.getByLabel('Application name').fill('Acme admin');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved.').waitFor();
    const settings = await server.request('GET', '/api/settings', { token: server.adminToken });
    expect(settings.body.meta.appName).toBe('Acme admin');
    const before = smtp.received.length;
    await page.getByLabel('Send a test email to').fill('someone@example.com');
    await page.getByRole('button', { name: 'Send test email' }).click();
    await page.getByText('Test email sent to someone@example.com.').waitFor();
    await server.app.services.mail.idle();
    const mail = smtp.received.slice(before).find((message) => message.to.includes('someone@example.com'));
    expect(mail?.subject).toBe('Acme admin: test email (test)');
    await shot('settings');
  });

  it('lists the activity log and the files library', async () => {
    await open('/activity');
    await page.getByRole('heading', { name: 'Activity' }).waitFor();
    const update = page.getByRole('row').filter({ hasText: 'update' }).filter({ hasText: 'posts' }).first();
    await update.waitFor();
    await update
      .getByText(/^[a-z0-9]{15}$/)
      .first()
      .click();
    await update.getByText('"userCollection": "_superusers"').waitFor();
    await shot('activity');
    await open('/files');
    await page.getByLabel('File to upload').setInputFiles({
      name: 'library-note.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('library text'),
    });
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    const row = page.getByRole('row').filter({ hasText: 'library-note.txt' });
    await row.waitFor();
    const files = await server.request('GET', '/api/files', { token: server.adminToken });
    const file = files.body.items.find(
      (item: { filenameDownload: string }) => item.filenameDownload === 'library-note.txt',
    );
    expect(file).toMatchObject({ type: 'text/plain', filesize: 12 });
    await shot('files');
    await row.getByRole('button', { name: /Delete/ }).click();
    await row.waitFor({ state: 'detached' });
    expect((await server.request('GET', `/api/files/${file.id}`, { token: server.adminToken })).status).toBe(
      404,
    );
  });

  it('creates a plugin, showing its key once, and lists its deliveries', async () => {
    await open('/plugins');
    await page.getByLabel('New plugin: name').fill('ui-plugin');
    await page.getByRole('button', { name: 'Create' }).click();
    const shown = await page.locator('.banner.ok pre').textContent();
    const created = JSON.parse(shown ?? '{}');
    expect(created.key).toMatch(/^slp_/);
    const registered = await fetch(`${server.url}/api/plugins/register`, {
      method: 'POST',
      headers: { authorization: `Bearer ${created.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        hookUrl: target.url,
        subscriptions: [{ source: 'records', kind: 'posts', eventName: 'create' }],
      }),
    });
    expect(registered.status, await registered.text()).toBe(200);
    const record = await server.request('POST', '/api/collections/posts/records', {
      token: server.adminToken,
      body: { title: 'For the plugin' },
    });
    expect(record.status, record.text).toBe(200);
    const plugin = page
      .getByRole('list', { name: 'Plugins' })
      .getByRole('listitem')
      .filter({ hasText: 'ui-plugin' })
      .first();
    await plugin.getByText('ui-plugin', { exact: true }).click();
    const deliveries = plugin.getByRole('region', { name: 'Deliveries' });
    const delivery = deliveries.getByRole('listitem').filter({ hasText: 'records.create' });
    await refreshUntil(deliveries, delivery.getByText('delivered'), 'the delivery to the plugin shows');
    expect(await delivery.getByRole('cell', { name: '200' }).count()).toBeGreaterThan(0);
    await shot('plugins');
    await page.getByRole('button', { name: 'Rotate key of ui-plugin' }).click();
    const rotated = JSON.parse(
      (await page.locator('.banner.ok', { hasText: 'Keep the new key now' }).locator('pre').textContent()) ??
        '{}',
    );
    expect(rotated.key).toMatch(/^slp_/);
    expect(rotated.key).not.toBe(created.key);
    const refused = await fetch(`${server.url}/api/plugins/register`, {
      method: 'POST',
      headers: { authorization: `Bearer ${created.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ hookUrl: target.url, subscriptions: [] }),
    });
    expect(refused.status).toBe(401);
  });

  it('saves the storage driver and tests its connection', async () => {
    await open('/settings');
    expect(await page.getByLabel('FTP host').count()).toBe(0);
    await page.getByLabel('Storage driver').selectOption('ftp');
    await page.getByLabel('FTP host').waitFor();
    await page.getByLabel('Storage driver').selectOption('local');
    await page.getByLabel('FTP host').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved.').waitFor();
    const settings = await server.request('GET', '/api/settings', { token: server.adminToken });
    expect(settings.body.storage.driver).toBe('local');
    await page.getByRole('button', { name: 'Test the storage connection' }).click();
    await page.getByText('The saved storage settings work: a probe was written and removed.').waitFor();
    await shot('settings-storage');
  });

  it("edits an auth collection's OAuth2 providers, OTP and MFA in forms, never showing a secret", async () => {
    const members = await server.request('POST', '/api/collections', {
      token: server.adminToken,
      body: { name: 'members', type: 'auth' },
    });
    expect(members.status, members.text).toBe(200);
    await open('/collections/members/edit');
    await page.getByRole('button', { name: 'Add provider' }).click();
    const provider = page.getByRole('group', { name: /^Provider/ }).last();
    await provider.getByLabel('Provider').selectOption('github');
    await provider.getByLabel('Client id').fill('ui-client');
    await provider.getByLabel('Client secret').fill('ui-very-secret');
    await page.getByLabel('Sign-in with OAuth2').check();
    await page.getByLabel('Sign-in with a one-time password').check();
    await page.getByLabel('OTP duration (seconds)').fill('300');
    await page.getByLabel('OTP length').fill('6');
    await page.getByLabel('Ask for a second factor').check();
    await page.getByLabel('MFA duration (seconds)').fill('600');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();
    const users = await server.request('GET', '/api/collections/members', { token: server.adminToken });
    expect(users.body.oauth2.enabled).toBe(true);
    expect(users.body.oauth2.providers).toEqual([
      expect.objectContaining({ name: 'github', clientId: 'ui-client' }),
    ]);
    expect(JSON.stringify(users.body)).not.toContain('ui-very-secret');
    expect(users.body.otp).toMatchObject({ enabled: true, duration: 300, length: 6 });
    expect(users.body.mfa).toMatchObject({ enabled: true, duration: 600 });
    await open('/collections/members/edit');
    const stored = page.getByRole('group', { name: 'Provider github' });
    expect(await stored.getByLabel('Client id').inputValue()).toBe('ui-client');
    expect(await stored.getByLabel('Client secret').inputValue()).toBe('');
    expect(await page.content()).not.toContain('ui-very-secret');
    await shot('auth-options');
  });

  it('manages roles and permissions', async () => {
    await open('/roles');
    await page.getByLabel('New role: name').fill('editors');
    await page.getByLabel('New role: description').fill('Edit posts');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('cell', { name: 'editors' }).waitFor();
    const roles = await server.request('GET', '/api/roles', { token: server.adminToken });
    const role = roles.body.items.find((item: { name: string }) => item.name === 'editors');
    expect(role.description).toBe('Edit posts');

    // members are chosen on the auth record, by role name; the roles page lists them
    const editor = await signUp(server, 'editor');
    await open('/collections/users');
    await page.getByRole('button', { name: `Edit ${editor.id}` }).click();
    const editing = page.getByRole('form', { name: `Record ${editor.id}` });
    await editing.getByLabel('roles').selectOption({ label: 'editors' });
    await editing.getByRole('button', { name: 'Save' }).click();
    await editing.waitFor({ state: 'detached' });
    const member = await server.request('GET', `/api/collections/users/records/${editor.id}`, {
      token: server.adminToken,
    });
    expect(member.body.roles).toEqual([role.id]);
    await open('/roles');
    await page.getByRole('cell', { name: JSON.stringify([editor.id]) }).waitFor();
    await open('/permissions');
    await page.getByLabel('New permission: collection').fill('posts');
    await page.getByLabel('New permission: action').fill('update');
    await page.getByLabel('New permission: role').fill(role.id);
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('cell', { name: role.id }).waitFor();
    const granted = await server.request('GET', '/api/permissions', { token: server.adminToken });
    expect(granted.body.items).toEqual([
      expect.objectContaining({ role: role.id, collection: 'posts', action: 'update' }),
    ]);
    await shot('permissions');
    await page.getByRole('button', { name: `Delete ${granted.body.items[0].id}` }).click();
    await page.getByRole('cell', { name: role.id }).waitFor({ state: 'detached' });
    expect(
      (await server.request('GET', '/api/permissions', { token: server.adminToken })).body.items,
    ).toEqual([]);
  });

  it('makes, downloads, restores and deletes a backup', async () => {
    await open('/backups');
    await page.getByLabel('Backup name (optional, ending in .zip)').fill('from-the-ui.zip');
    await page.getByRole('button', { name: 'Make a backup' }).click();
    const row = page.getByRole('row').filter({ hasText: 'from-the-ui.zip' });
    await row.waitFor();
    const href = await row.getByRole('link', { name: /Download/ }).getAttribute('href');
    const zip = await fetch(new URL(href ?? '', `${server.url}/_/`));
    expect(zip.status).toBe(200);
    expect(zip.headers.get('content-type')).toBe('application/zip');
    expect((await zip.arrayBuffer()).byteLength).toBeGreaterThan(0);
    await shot('backups');
    await row.getByRole('button', { name: /Restore/ }).click();
    await page.getByText('Restored from-the-ui.zip.').waitFor();
    await row.getByRole('button', { name: /Delete/ }).click();
    await row.waitFor({ state: 'detached' });
    const left = await server.request('GET', '/api/backups', { token: server.adminToken });
    expect(left.body.map((backup: { key: string }) => backup.key)).not.toContain('from-the-ui.zip');
  });

  it('resets a password from the link of a real mail', async () => {
    const user = await signUp(server, 'grace');
    const email = (
      await server.request('GET', `/api/collections/users/records/${user.id}`, { token: server.adminToken })
    ).body.email as string;
    const before = smtp.received.length;
    const asked = await server.request('POST', '/api/collections/users/request-password-reset', {
      body: { email },
    });
    expect(asked.status, asked.text).toBe(204);
    await server.app.services.mail.idle();
    const mail = smtp.received.slice(before).find((message) => message.to.includes(email));
    const link = /https?:\/\/[^\s"<>]+\/_\/#\/auth\/confirm-password-reset\/[\w.-]+/.exec(
      mail?.body ?? '',
    )?.[0];
    expect(link, mail?.body).toBeDefined();
    expect(link!.startsWith(`${server.url}/_/#/auth/confirm-password-reset/`)).toBe(true);
    await page.goto(link!);
    await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
    await page.getByLabel('New password', { exact: true }).fill('a-new-password-42');
    await page.getByLabel('Confirm new password').fill('a-new-password-42');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('Your password was changed.').waitFor();
    await shot('confirm-password-reset');
    const login = await server.request('POST', '/api/collections/users/auth-with-password', {
      body: { identity: email, password: 'a-new-password-42' },
    });
    expect(login.status, login.text).toBe(200);
  });

  it('streams the events as they fire, filtered by name and tag, each expandable', async () => {
    await open('/events');
    await page.getByText('live', { exact: true }).waitFor();
    await page.getByLabel('Event name').fill('records.*');
    await page.getByLabel('Tag').fill('posts');
    const created = await server.request('POST', '/api/collections/posts/records', {
      token: server.adminToken,
      body: { title: 'Seen live' },
    });
    expect(created.status, created.text).toBe(200);
    const event = page.getByRole('listitem').filter({ hasText: 'records.create' }).first();
    await event.getByText('records.create', { exact: true }).click();
    await event.getByText(created.body.id).waitFor();
    await page.getByLabel('Tag').fill('not-a-tag-of-these');
    await event.waitFor({ state: 'detached' });
    await page.getByLabel('Tag').fill('');
    await page.getByLabel('Event name').fill('auth.*');
    await page.getByRole('listitem').filter({ hasText: 'records.' }).first().waitFor({ state: 'detached' });
    await shot('live-events');
  });

  it('fits a narrow screen and follows a dark system theme', async () => {
    await page.setViewportSize({ width: 380, height: 800 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await open('/collections/posts');
    await page.getByRole('button', { name: 'New record' }).waitFor();
    const background = await page.evaluate('getComputedStyle(document.documentElement).backgroundColor');
    expect(background).toBe('rgb(18, 20, 23)');
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await shot('narrow-dark');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('logged no error in the browser', () => {
    expect(problems).toEqual([]);
  });
});

describe('the admin endpoints', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer('sqlite');
  });
  afterAll(() => server?.stop());

  it('shows the catalogue to superusers only, with each event’s names per vocabulary', async () => {
    expect((await server.request('GET', '/api/catalogue')).status).toBe(401);
    const catalogue = await server.request('GET', '/api/catalogue', { token: server.adminToken });
    expect(catalogue.status).toBe(200);
    const row = catalogue.body.items.find((item: { name: string }) => item.name === 'records.create');
    expect(row.kinds).toEqual(['filter', 'action']);
    expect(row.aliases.pocketbase).toContain('onRecordBeforeCreateRequest');
    expect(row.aliases.kuzzle).toContain('document:beforeCreate');
  });

  it('refuses a test email to a bad address, and says when mail is not set up', async () => {
    const bad = await server.request('POST', '/api/settings/test/email', {
      token: server.adminToken,
      body: { email: 'not-an-address' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.data.email.code).toBe('validation_invalid_email');
    const disabled = await server.request('POST', '/api/settings/test/email', {
      token: server.adminToken,
      body: { email: 'someone@example.com' },
    });
    expect(disabled.status).toBe(503);
    expect(
      (await server.request('POST', '/api/settings/test/email', { body: { email: 'a@b.co' } })).status,
    ).toBe(401);
  });
});
