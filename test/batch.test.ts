import type PocketBase from 'pocketbase';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  type Dialect,
  dialects,
  startServer,
  type TestServer,
} from './helpers.ts';
import { client, failureOf } from './sdk-client.ts';

describe.each(dialects)('the batch API through the PocketBase SDK (%s)', (dialect: Dialect) => {
  let server: TestServer;
  let admin: PocketBase;
  const created: string[] = [];
  const deleted: string[] = [];

  beforeAll(async () => {
    server = await startServer(dialect);
    admin = client(server.url);
    await admin.collection('_superusers').authWithPassword(ADMIN_EMAIL, ADMIN_PASSWORD);
    await admin.collections.create({
      name: 'notes',
      type: 'base',
      fields: [
        { name: 'title', type: 'text', required: true },
        { name: 'doc', type: 'file', maxSelect: 2, maxSize: 1000 },
      ],
      listRule: '',
      viewRule: '',
      createRule: '',
      updateRule: null,
      deleteRule: null,
    });
    server.app.hooks.action('records.create', (meta) => void created.push(String(meta.collection)));
    server.app.hooks.action('records.delete', (meta) => void deleted.push(String(meta.collection)));
  });

  beforeEach(() => {
    created.length = 0;
    deleted.length = 0;
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('answers 403 while the settings leave batches disabled', async () => {
    const batch = admin.createBatch();
    batch.collection('notes').create({ title: 'never' });
    const failure = await failureOf(batch.send());
    expect(failure.status).toBe(403);
    expect(failure.response.message).toBe('Batch requests are not allowed.');
    expect(await server.count('notes')).toBe(0);
  });

  it('runs creates, updates, upserts and deletes in one transaction, hooks firing per operation', async () => {
    await admin.settings.update({ batch: { enabled: true, maxRequests: 6 } });
    const kept = await admin.collection('notes').create({ title: 'kept' });
    const doomed = await admin.collection('notes').create({ title: 'doomed' });
    await server.app.hooks.drain();
    created.length = 0;

    const batch = admin.createBatch();
    batch.collection('notes').create({ title: 'first' });
    batch.collection('notes').create({ title: 'second' }, { fields: 'title' });
    batch.collection('notes').update(kept.id, { title: 'kept, renamed' });
    batch.collection('notes').upsert({ id: doomed.id, title: 'doomed, upserted' });
    batch.collection('notes').upsert({ title: 'upserted new' });
    batch.collection('notes').delete(doomed.id);
    const results = await batch.send();

    expect(results.map((result) => result.status)).toEqual([200, 200, 200, 200, 200, 204]);
    expect(results[0]?.body).toMatchObject({ collectionName: 'notes', title: 'first' });
    expect(results[1]?.body).toEqual({ title: 'second' });
    expect(results[2]?.body).toMatchObject({ id: kept.id, title: 'kept, renamed' });
    expect(results[3]?.body).toMatchObject({ id: doomed.id, title: 'doomed, upserted' });
    expect(results[4]?.body.id).not.toBe(doomed.id);
    expect(results[5]?.body).toBeNull();
    const titles = (await admin.collection('notes').getFullList({ sort: 'title' })).map((note) => note.title);
    expect(titles).toEqual(['first', 'kept, renamed', 'second', 'upserted new']);
    await server.app.hooks.drain();
    expect(created).toEqual(['notes', 'notes', 'notes']);
    expect(deleted).toEqual(['notes']);
  });

  it('rolls every request back when one fails, naming its index and its own answer', async () => {
    const before = await server.count('notes');
    const batch = admin.createBatch();
    batch.collection('notes').create({ title: 'rolled back' });
    batch.collection('notes').create({ title: '' });
    batch.collection('notes').create({ title: 'never reached' });
    const failure = await failureOf(batch.send());

    expect(failure.status).toBe(400);
    expect(failure.response.message).toBe('Batch transaction failed.');
    const failed = failure.response.data.requests['1'];
    expect(failed).toMatchObject({ code: 'batch_request_failed', message: 'Batch request failed.' });
    expect(failed.response.status).toBe(400);
    expect(failed.response.data.title.code).toBe('validation_required');
    expect(failure.response.data.requests['0']).toBeUndefined();
    expect(await server.count('notes')).toBe(before);
    await server.app.hooks.drain();
    expect(created).toEqual([]);
  });

  it('applies each request’s rules to the caller', async () => {
    const guest = client(server.url);
    const note = await guest.collection('notes').create({ title: 'by a guest' });
    const batch = guest.createBatch();
    batch.collection('notes').create({ title: 'allowed' });
    batch.collection('notes').delete(note.id);
    const failure = await failureOf(batch.send());
    expect(failure.response.data.requests['1'].response.status).toBe(403);
    expect(await server.count('notes', 'title = "allowed"')).toBe(0);
  });

  it('refuses more requests than the settings allow, and unknown actions', async () => {
    const batch = admin.createBatch();
    for (let index = 0; index < 7; index++) batch.collection('notes').create({ title: `n${index}` });
    const tooMany = await failureOf(batch.send());
    expect(tooMany.status).toBe(400);
    expect(tooMany.response.data.requests.code).toBe('validation_length_out_of_range');

    const unknown = await server.request('POST', '/api/batch', {
      token: server.adminToken,
      body: { requests: [{ method: 'GET', url: '/api/collections/notes/records' }] },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.data.requests['0'].response.message).toBe('Unknown batch request action.');
  });

  it('refuses a body larger than the settings’ maxBodySize', async () => {
    await admin.settings.update({ batch: { maxBodySize: 300 } });
    const batch = admin.createBatch();
    batch.collection('notes').create({ title: 'y'.repeat(400) });
    expect((await failureOf(batch.send())).status).toBe(413);
    await admin.settings.update({ batch: { maxBodySize: 0 } });
    expect(await server.count('notes', 'title ~ "yyyy"')).toBe(0);
  });

  it('stores the files of a multipart batch, and none when it fails', async () => {
    const batch = admin.createBatch();
    batch.collection('notes').create({ title: 'with a file', doc: new File(['hello batch'], 'hello.txt') });
    const [result] = await batch.send();
    const record = result?.body as { id: string; doc: string[] };
    expect(record.doc).toHaveLength(1);
    const url = admin.files.getURL({ ...record, collectionName: 'notes' }, record.doc[0] ?? '');
    expect(await (await fetch(url)).text()).toBe('hello batch');

    const failing = admin.createBatch();
    failing.collection('notes').create({ title: 'file rolled back', doc: new File(['gone'], 'gone.txt') });
    failing.collection('notes').create({ title: 'too big', doc: new File(['x'.repeat(2000)], 'big.txt') });
    const failure = await failureOf(failing.send());
    expect(failure.response.data.requests['1'].response.data.doc.code).toBe('validation_file_size_limit');
    expect(await server.count('notes', 'title = "file rolled back"')).toBe(0);
  });
});
