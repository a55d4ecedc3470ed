import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EventSource } from 'eventsource';
import PocketBase, { ClientResponseError } from 'pocketbase';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startThreadReceiver } from '../packages/server/src/blocking/testing.ts';
import { FIRED_EVENTS_DIR } from '../packages/server/src/catalogue/fired-events.ts';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  createCollection,
  createStorage,
  type Dialect,
  dialects,
  type RequestOptions,
  request,
  sleep,
  startServer,
  type TestServer,
  until,
} from './helpers.ts';
import { classicFiles, nextFiles, syncFiles } from './pb-hooks-files.ts';
import { client, failureOf, statusOf } from './sdk-client.ts';

// the SDK's realtime client (Node 20 has no EventSource of its own)
(globalThis as { EventSource?: unknown }).EventSource ??= EventSource;

// PocketBase hook files as PocketBase users write them, in a pb_hooks folder beside the data
// folder, loaded by a real server and driven over HTTP.

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function writeAll(dir: string, files: Record<string, string>): void {
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), source);
  }
}

async function setUp(server: TestServer): Promise<void> {
  for (const name of ['posts', 'others', 'notes', 'skips', 'checks']) {
    await createCollection(server, {
      name,
      fields: [
        { name: 'title', type: 'text' },
        { name: 'slug', type: 'text' },
        { name: 'likes', type: 'number' },
      ],
      listRule: '',
      viewRule: '',
      createRule: '',
      updateRule: '',
      deleteRule: '',
    });
  }
  await createCollection(server, {
    name: 'audit',
    fields: [{ name: 'message', type: 'text' }],
    listRule: '',
  });
  await createCollection(server, {
    name: 'articles',
    fields: [
      { name: 'title', type: 'text' },
      { name: 'comments', type: 'number' },
      { name: 'locked', type: 'bool' },
      { name: 'tags', type: 'select', values: ['news', 'sport', 'art'], maxSelect: 3 },
      { name: 'meta', type: 'json' },
    ],
    listRule: '',
    viewRule: '',
  });
  await createCollection(server, {
    name: 'comments',
    fields: [
      { name: 'article', type: 'text' },
      { name: 'text', type: 'text' },
    ],
    listRule: '',
    viewRule: '',
    createRule: '',
  });
  await createCollection(server, {
    name: 'deliveries',
    fields: [{ name: 'message', type: 'text', required: true }],
    listRule: '',
  });
}

async function auditMessages(server: TestServer): Promise<string[]> {
  await server.app.hooks.drain();
  const list = await server.request('GET', '/api/collections/audit/records', { query: { perPage: 100 } });
  return (list.body.items as { message: string }[]).map((item) => item.message);
}

describe.each(dialects)('pb_hooks beside the data folder (%s)', (dialect: Dialect) => {
  let server: TestServer;
  let receiver: Awaited<ReturnType<typeof startThreadReceiver>>;

  beforeAll(async () => {
    // $http.send blocks the server's thread until the answer: the receiver runs on its own
    receiver = await startThreadReceiver();
    const root = mkdtempSync(join(tmpdir(), 'sluice-pb-'));
    folders.push(root);
    writeAll(join(root, 'pb_hooks'), { ...classicFiles, ...nextFiles, ...syncFiles });
    const storage = await createStorage(dialect);
    server = await startServer(dialect, {
      hooksDir: join(root, 'pb_hooks'),
      env: { PB_HOOKS_GREETING: 'hi from the environment', RECEIVER_URL: receiver.url },
      storage,
    });
    await setUp(server);
  });

  afterAll(async () => {
    await server?.stop();
    await server?.storage.destroy();
    await receiver?.close();
  });

  it('runs top-level hooks with their tags, a required module and the dao', async () => {
    const created = await server.request('POST', '/api/collections/posts/records', {
      body: { title: 'Hello World' },
    });
    expect(created.status).toBe(200);
    expect(created.body.slug).toBe('hello-world');
    const other = await server.request('POST', '/api/collections/others/records', { body: { title: 'x' } });
    expect(other.body.slug).toBe('not-for-posts');
    expect(await auditMessages(server)).toContain('created hello-world');
  });

  it('answers a thrown error class with its status and field details, and writes nothing', async () => {
    const refused = await server.request('POST', '/api/collections/posts/records', {
      body: { title: 'forbidden' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe('This title is not allowed.');
    expect(refused.body.data.title.message).toBe('Pick another title.');
    expect(await server.count('posts', 'title = "forbidden"')).toBe(0);
  });

  it('stops the chain when a handler returns false', async () => {
    const created = await server.request('POST', '/api/collections/posts/records', { body: { title: 'a' } });
    const frozen = await server.request('PATCH', `/api/collections/posts/records/${created.body.id}`, {
      body: { title: 'frozen' },
    });
    expect(frozen.status).toBe(200);
    expect(frozen.body.slug).toBe('a');
    const thawed = await server.request('PATCH', `/api/collections/posts/records/${created.body.id}`, {
      body: { title: 'b' },
    });
    expect(thawed.body.slug).toBe('b');
  });

  it('serves routerAdd routes with the request context, middlewares and dao writes', async () => {
    const hello = await server.request('GET', '/hello/ada', { query: { loud: 1 } });
    expect(hello.body).toEqual({ message: 'Hello ada', loud: true, via: 'routerUse' });

    await server.request('POST', '/api/collections/posts/records', { body: { title: 'Likeable' } });
    const anonymous = await server.request('POST', '/api/posts/likeable/like', { body: { by: 'ann' } });
    expect(anonymous.status).toBe(401);
    const liked = await server.request('POST', '/api/posts/likeable/like', {
      body: { by: 'ann' },
      token: server.adminToken,
    });
    expect(liked.body).toEqual({ likes: 1, by: 'ann', nonce: 12 });
    const again = await server.request('POST', '/api/posts/likeable/like', { token: server.adminToken });
    expect(again.body.likes).toBe(2);

    const search = await server.request('GET', '/api/search', { query: { q: 'like' } });
    expect(search.body).toEqual(['Likeable']);

    const missing = await server.request('GET', '/api/missing');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('Nothing here.');

    const greeting = await server.request('GET', '/api/greeting');
    expect(greeting.text).toBe('hi from the environment');
  });

  it('deletes through the dao, whose delete hooks still refuse', async () => {
    const kept = await server.request('POST', '/api/collections/posts/records', { body: { title: 'keep' } });
    const refused = await server.request('DELETE', `/api/posts/${kept.body.id}/remove`);
    expect(refused.status).toBe(403);
    const gone = await server.request('POST', '/api/collections/posts/records', { body: { title: 'bye' } });
    const removed = await server.request('DELETE', `/api/posts/${gone.body.id}/remove`);
    expect(removed.status).toBe(204);
    expect(await server.count('posts', `id = "${gone.body.id}"`)).toBe(0);
  });

  it('runs PocketBase ≥ 0.23 hooks: code after e.next() sees the committed record', async () => {
    const created = await server.request('POST', '/api/collections/notes/records', {
      body: { title: '  note  ' },
    });
    expect(created.status).toBe(200);
    expect(created.body.title).toBe('note');
    const empty = await server.request('POST', '/api/collections/notes/records', { body: { title: '' } });
    expect(empty.status).toBe(400);
    // the code after e.next() runs once the write has committed, and writes its own record
    const wanted = [`committed ${created.body.id}`, 'success note'];
    let messages = await auditMessages(server);
    for (let tries = 0; tries < 200 && !wanted.every((message) => messages.includes(message)); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      messages = await auditMessages(server);
    }
    expect(messages).toContain(`committed ${created.body.id}`);
    expect(messages).toContain('success note');
    const booted = await server.request('GET', '/api/booted');
    expect(booted.body).toEqual({ bootstrapped: true, app: 'function', greeting: 'Hello, npm' });
    const served = await server.request('GET', '/api/served');
    expect(served.body).toEqual({ served: true, via: 'routerUse' });
    // ≥ 0.23's dao on $app itself: the copy is saved before the answer is sent
    const read = await server.request('GET', `/api/notes/${created.body.id}`);
    expect(read.body.title).toBe('note');
    expect(await server.count('notes', `id = "${read.body.copy}" && title = "note (copy)"`)).toBe(1);
  });

  it('runs hook files written for PocketBase’s synchronous dao and $http.send, without await', async () => {
    const pb = client(server.url);
    await pb.collection('_superusers').authWithPassword(ADMIN_EMAIL, ADMIN_PASSWORD);
    const article = await pb.collection('articles').create({
      title: 'Sync',
      comments: 0,
      tags: ['news', 'art'],
      meta: { color: 'teal' },
    });
    const guest = client(server.url);
    const comment = await guest.collection('comments').create({ article: article.id, text: 'First!' });
    expect(comment.text).toBe('First!');
    await server.app.hooks.drain();

    // the after hook's un-awaited save was made
    expect((await pb.collection('articles').getOne(article.id)).comments).toBe(1);
    // $http.send reached the receiver with the record's decoded values, and answered synchronously
    const sent = receiver.received.filter((request) => request.url === '/comments');
    expect(sent).toHaveLength(1);
    expect(sent[0]?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(sent[0]!.body)).toEqual({
      article: article.id,
      comments: 1,
      tags: ['news', 'art'],
      color: 'teal',
    });
    // statusCode, json, headers (lists by canonical name) and cookies as PocketBase gives them;
    // a read right after an un-awaited save sees the data committed before it
    const deliveries = await pb.collection('deliveries').getFullList();
    expect(deliveries.map((delivery) => delivery.message)).toEqual(['201 1 thread abc123 read after save 0']);

    // reads in a route: field types decoded as the API decodes them
    const summary = await pb.send(`/api/articles/${article.id}/summary`, {});
    expect(summary).toEqual({
      title: 'Sync',
      comments: 1,
      locked: false,
      tags: ['news', 'art'],
      color: 'teal',
      tagged: ['Sync'],
    });
  });

  it('refuses a write from a synchronous read in a before hook, and fails it with an un-awaited save that failed', async () => {
    const pb = client(server.url);
    await pb.collection('_superusers').authWithPassword(ADMIN_EMAIL, ADMIN_PASSWORD);
    const locked = await pb.collection('articles').create({ title: 'Locked', locked: true });
    const open = await pb.collection('articles').create({ title: 'Open' });
    const guest = client(server.url);

    const refused = await failureOf(guest.collection('comments').create({ article: locked.id, text: 'hi' }));
    expect(refused.status).toBe(400);
    expect(refused.response.message).toBe('The article is locked.');

    const failed = await failureOf(
      guest.collection('comments').create({ article: open.id, text: 'side write fails' }),
    );
    expect(failed.status).toBe(400);
    expect(failed.response.data.message.code).toBe('validation_required');
    expect(await server.count('comments', 'text = "side write fails"')).toBe(0);
    expect(await server.count('comments', `article = "${locked.id}"`)).toBe(0);

    const missing = await failureOf(
      guest.collection('comments').create({ article: 'nosucharticle00', text: 'x' }),
    );
    expect(missing.status).toBe(404);
  });

  it('answers a route once the writes it started without await are done', async () => {
    const pb = client(server.url);
    await pb.collection('_superusers').authWithPassword(ADMIN_EMAIL, ADMIN_PASSWORD);
    const article = await pb.collection('articles').create({ title: 'Old news', tags: ['sport'] });
    const answer = await pb.send(`/api/articles/${article.id}/archive`, { method: 'POST' });
    // the new record's id was known before its write was done
    expect(answer.archived).toMatch(/^[a-z0-9]{15}$/);
    expect((await pb.collection('articles').getOne(answer.archived)).title).toBe('Old news (archived)');
    expect(await statusOf(pb.collection('articles').getOne(article.id))).toBe(404);

    // an answer the handler does not return is sent after the write too
    const copy = answer.archived as string;
    expect(await pb.send(`/api/articles/${copy}/touch`, { method: 'POST' })).toEqual({ comments: 10 });
    expect((await pb.collection('articles').getOne(copy)).comments).toBe(10);
    // a write that failed without being awaited answers its error instead
    const failed = await failureOf(pb.send('/api/deliveries/empty', { method: 'POST' }));
    expect(failed.status).toBe(400);
    expect(failed.response.data.message.code).toBe('validation_required');
  });

  it('does not write when a PocketBase ≥ 0.23 handler does not call e.next(), and answers what it wrote', async () => {
    const pb = new PocketBase(server.url);
    pb.autoCancellation(false);
    const skips = pb.collection('skips');
    // nothing written by the handler: 200 with an empty body, which the SDK reads as {}
    expect(await skips.create({ title: 'silent' })).toEqual({});
    const answered = await server.request('POST', '/api/collections/skips/records', {
      body: { title: 'answered' },
    });
    expect(answered.status).toBe(202);
    expect(answered.body).toEqual({ answered: true });
    expect(await server.count('skips', 'title = "silent" || title = "answered"')).toBe(0);

    const kept = await skips.create({ title: 'keep' });
    expect(kept.title).toBe('keep');
    const refused = await skips.update(kept.id, { title: 'ignored' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ClientResponseError);
    expect((refused as ClientResponseError).status).toBe(409);
    expect((await skips.getOne(kept.id)).title).toBe('keep');
    expect(await skips.delete(kept.id)).toBe(true);
    expect((await skips.getOne(kept.id)).title).toBe('keep');

    const updated = await skips.update(kept.id, { title: 'renamed' });
    expect(updated.title).toBe('renamed');
    await skips.delete(kept.id);
    expect(await server.count('skips', `id = "${kept.id}"`)).toBe(0);
  });

  it('runs onRecordValidate before the validation, and the after-error hooks when a write failed', async () => {
    const tidy = await server.request('POST', '/api/collections/checks/records', { body: { title: 'tidy' } });
    expect(tidy.status).toBe(200);
    expect(await server.count('checks', 'slug = "tidied"')).toBe(1);

    const invalid = await server.request('POST', '/api/collections/checks/records', {
      body: { title: 'invalid' },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.data.title.message).toBe('Not this title.');
    expect(await server.count('checks', 'title = "invalid"')).toBe(0);

    const renamed = await server.request('PATCH', `/api/collections/checks/records/${tidy.body.id}`, {
      body: { title: 'invalid' },
    });
    expect(renamed.status).toBe(400);
    const undeletable = await server.request('POST', '/api/collections/checks/records', {
      body: { title: 'undeletable' },
    });
    const refused = await server.request('DELETE', `/api/collections/checks/records/${undeletable.body.id}`);
    expect(refused.status).toBe(400);
    expect(await server.count('checks', `id = "${undeletable.body.id}"`)).toBe(1);

    const messages = await eventually(async () => {
      const all = await auditMessages(server);
      return all.some((message) => message.startsWith('delete failed')) ? all : undefined;
    });
    expect(messages).toContain('create failed invalid: Validation refused.');
    expect(messages).toContain('update failed invalid');
    expect(messages).toContain('delete failed undeletable');
    // a write refused before its request hooks passed is no failed write
    expect(messages.filter((message) => message.startsWith('create failed'))).toHaveLength(1);
  });

  it('runs onRecordEnrich on every record sent to a client', async () => {
    const pb = new PocketBase(server.url);
    pb.autoCancellation(false);
    const checks = pb.collection('checks');
    const created = await checks.create({ title: 'loud', slug: 'kept-in-the-database' });
    expect(created).toMatchObject({ title: 'loud', shout: 'LOUD' });
    expect(created).not.toHaveProperty('slug');
    const viewed = await checks.getOne(created.id);
    expect(viewed).toMatchObject({ shout: 'LOUD' });
    expect(viewed).not.toHaveProperty('slug');
    const listed = await checks.getFullList({ filter: `id = "${created.id}"` });
    expect(listed).toMatchObject([{ id: created.id, shout: 'LOUD' }]);
    expect(listed[0]).not.toHaveProperty('slug');
    const updated = await checks.update(created.id, { title: 'louder' });
    expect(updated).toMatchObject({ shout: 'LOUDER' });
    const picked = await checks.getOne(created.id, { fields: 'id,shout' });
    expect(picked).toEqual({ id: created.id, shout: 'LOUDER' });
    expect(await server.count('checks', 'slug = "kept-in-the-database"')).toBe(1);

    // in realtime messages too
    const received: Record<string, unknown>[] = [];
    await checks.subscribe(created.id, (event) => {
      received.push(event.record);
    });
    await checks.update(created.id, { title: 'live' });
    await until(() => received.length > 0, 10_000, 'the realtime message');
    expect(received[0]).toMatchObject({ title: 'live', shout: 'LIVE' });
    expect(received[0]).not.toHaveProperty('slug');
    await pb.realtime.unsubscribe();
  });

  it('runs onBatchRequest around a batch: it may change the requests, and sees the results after e.next()', async () => {
    await server.request('PATCH', '/api/settings', {
      body: { batch: { enabled: true, maxRequests: 10 } },
      token: server.adminToken,
    });
    const batch = await server.request('POST', '/api/batch', {
      body: {
        requests: [
          { method: 'POST', url: '/api/collections/checks/records', body: { title: 'batched' } },
          { method: 'POST', url: '/api/collections/checks/records', body: { title: 'dropped' } },
        ],
      },
    });
    expect(batch.status).toBe(200);
    expect(batch.body).toHaveLength(1);
    expect(batch.body[0].body).toMatchObject({ title: 'batched', shout: 'BATCHED' });
    expect(await server.count('checks', 'title = "dropped"')).toBe(0);
    const messages = await eventually(async () => {
      const all = await auditMessages(server);
      return all.includes('batch ran 1') ? all : undefined;
    });
    expect(messages).toContain('batch ran 1');
  });

  it('lists each file’s hooks and schedules under its path in GET /api/hooks', async () => {
    const listed = await server.request('GET', '/api/hooks', { token: server.adminToken });
    expect(listed.body.extensions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ extension: 'pb_hooks/main.pb.js', vocabulary: 'pocketbase', error: null }),
        expect.objectContaining({ extension: 'pb_hooks/next.pb.js', vocabulary: 'pocketbase', error: null }),
      ]),
    );
    const kinds = (listed.body.hooks as { extension: string; kind: string; event: string }[])
      .filter((hook) => hook.extension === 'pb_hooks/next.pb.js')
      .map((hook) => `${hook.kind} ${hook.event}`);
    expect(kinds).toEqual(expect.arrayContaining(['around records.create', 'action records.create']));
    expect(listed.body.schedules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ extension: 'pb_hooks/routes.pb.js', expression: '0 3 * * *' }),
      ]),
    );
  });

  it('lists a cronAdd job under its name in the crons API', async () => {
    const crons = await server.request('GET', '/api/crons', { token: server.adminToken });
    expect(crons.status).toBe(200);
    expect(crons.body).toContainEqual({ id: 'tidy', expression: '0 3 * * *' });
    expect((await server.request('POST', '/api/crons/tidy', { token: server.adminToken })).status).toBe(204);
  });
});

describe('sluice serve with a pb_hooks folder beside --dir', () => {
  const sluiceBin = fileURLToPath(new URL('../packages/server/bin/sluice.js', import.meta.url));
  let child: ChildProcess | undefined;

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('loads the files as they are, and reloads a changed one with --dev', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sluice-pb-cli-'));
    folders.push(root);
    writeAll(join(root, 'pb_hooks'), classicFiles);
    child = spawn(
      process.execPath,
      [sluiceBin, 'serve', '--dir', join(root, 'sluice_data'), '--http', '127.0.0.1:0', '--dev'],
      {
        cwd: root,
        env: {
          PATH: process.env.PATH,
          SLUICE_ADMIN_EMAIL: ADMIN_EMAIL,
          SLUICE_ADMIN_PASSWORD: ADMIN_PASSWORD,
          SLUICE_EXTENSIONS: join(root, 'no-extensions'),
          [FIRED_EVENTS_DIR]: process.env[FIRED_EVENTS_DIR],
        },
      },
    );
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    await until(() => output.includes('Sluice is listening on'), 20_000, 'sluice serve to listen');
    const url = output.match(/"url":"(http:\/\/127\.0\.0\.1:\d+)"/)?.[1];
    expect(url).toBeDefined();
    const login = await request(url!, 'POST', '/api/collections/_superusers/auth-with-password', {
      body: { identity: ADMIN_EMAIL, password: ADMIN_PASSWORD },
    });
    const server = {
      adminToken: login.body.token as string,
      request: (method: string, path: string, options?: RequestOptions) =>
        request(url!, method, path, options),
    } as TestServer;
    await setUp(server);

    const created = await server.request('POST', '/api/collections/posts/records', {
      body: { title: 'From The CLI' },
    });
    expect(created.body.slug).toBe('from-the-cli');
    const hello = await server.request('GET', '/hello/cli');
    expect(hello.body.message).toBe('Hello cli');

    writeFileSync(
      join(root, 'pb_hooks', 'main.pb.js'),
      'onRecordBeforeCreateRequest((e) => { e.record.set("slug", "reloaded") }, "posts")\n',
    );
    writeFileSync(
      join(root, 'pb_hooks', 'routes.pb.js'),
      'routerAdd("GET", "/hello/:name", (c) => c.json(200, { message: "Bonjour " + c.pathParam("name") }))\n',
    );
    const slug = await eventually(async () => {
      const again = await server.request('POST', '/api/collections/posts/records', { body: { title: 'x' } });
      return again.body.slug === 'reloaded' ? again.body.slug : undefined;
    });
    expect(slug).toBe('reloaded');
    const bonjour = await eventually(async () => {
      const again = await server.request('GET', '/hello/cli');
      return again.body.message === 'Bonjour cli' ? again.body.message : undefined;
    });
    expect(bonjour).toBe('Bonjour cli');
  });
});

/** Polls `check` until it returns a value other than undefined. */
async function eventually<T>(check: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('Timed out waiting for the reload.');
    await sleep(100);
  }
}
