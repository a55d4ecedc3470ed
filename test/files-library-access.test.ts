import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, type Dialect, dialects, signUp, startServer, type TestServer } from './helpers.ts';

describe.each(dialects)('the files library through roles and permissions (%s)', (dialect: Dialect) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer(dialect);
  });

  afterAll(async () => {
    await server?.stop();
  });

  const admin = (method: string, path: string, body?: unknown) =>
    server.request(method, path, { token: server.adminToken, body });

  async function upload(token: string, fields: Record<string, string>, name = 'note.txt') {
    const form = new FormData();
    for (const [key, value] of Object.entries(fields)) form.append(key, value);
    form.append('file', new Blob([`content of ${name}`]), name);
    const response = await fetch(new URL('/api/files', server.url), {
      method: 'POST',
      headers: { authorization: token },
      body: form,
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  it('lets a role do what its permissions on _files and _folders grant, and no more', async () => {
    const member = await signUp(server, 'librarian');
    const outsider = await signUp(server, 'stranger');
    const role = await admin('POST', '/api/roles', { name: `library-${dialect}` });
    expect(
      (await admin('PATCH', `/api/collections/users/records/${member.id}`, { roles: [role.body.id] })).status,
    ).toBe(200);
    expect(role.status).toBe(200);
    const grant = async (collection: string, action: string, rule: string, fields?: string[]) => {
      const created = await admin('POST', '/api/permissions', {
        role: role.body.id,
        collection,
        action,
        rule,
        fields: fields ?? null,
      });
      expect(created.status, created.text).toBe(200);
    };
    await grant('_folders', 'list', '');
    await grant('_folders', 'create', "name ~ 'team'");
    await grant('_files', 'list', "folder.name = 'Team'");
    await grant('_files', 'view', "folder.name = 'Team'");
    await grant('_files', 'create', "folder.name = 'Team'");
    await grant('_files', 'update', 'uploadedBy = @request.auth.id', ['title']);
    await grant('_files', 'delete', 'uploadedBy = @request.auth.id');

    const team = (await admin('POST', '/api/folders', { name: 'Team' })).body;
    const secret = (await admin('POST', '/api/folders', { name: 'Secret' })).body;
    const shared = await upload(server.adminToken, { folder: team.id }, 'shared.txt');
    const hidden = await upload(server.adminToken, { folder: secret.id }, 'hidden.txt');
    expect([shared.status, hidden.status]).toEqual([200, 200]);

    // reading: only what the rule lets through
    const listed = await server.request('GET', '/api/files', { token: member.token });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((file: { id: string }) => file.id)).toEqual([shared.body.id]);
    expect(
      (await server.request('GET', `/api/files/${shared.body.id}`, { token: member.token })).status,
    ).toBe(200);
    expect(
      (await server.request('GET', `/api/files/${hidden.body.id}`, { token: member.token })).status,
    ).toBe(404);
    expect((await server.request('GET', '/api/folders', { token: member.token })).body.totalItems).toBe(2);
    expect((await server.request('GET', '/api/files', { token: outsider.token })).status).toBe(403);
    expect((await server.request('GET', '/api/folders', { token: outsider.token })).status).toBe(403);
    expect((await server.request('GET', '/api/files')).status).toBe(401);

    // writing: a create the rule does not match is refused and leaves no row
    const before = (await admin('GET', '/api/files')).body.totalItems;
    expect((await upload(member.token, { folder: secret.id })).status).toBe(403);
    expect((await upload(outsider.token, { folder: team.id })).status).toBe(403);
    expect((await admin('GET', '/api/files')).body.totalItems).toBe(before);
    const own = await upload(member.token, { folder: team.id }, 'mine.txt');
    expect(own.status).toBe(200);
    expect(own.body.uploadedBy).toBe(member.id);
    const folder = await server.request('POST', '/api/folders', { token: member.token, body: { name: 'x' } });
    expect(folder.status).toBe(403);
    expect(
      (await server.request('POST', '/api/folders', { token: member.token, body: { name: 'teamwork' } }))
        .status,
    ).toBe(200);

    // updates: only its own files, only the fields granted
    const retitled = await server.request('PATCH', `/api/files/${own.body.id}`, {
      token: member.token,
      body: { title: 'Mine' },
    });
    expect(retitled.status).toBe(200);
    expect(retitled.body.title).toBe('Mine');
    const moved = await server.request('PATCH', `/api/files/${own.body.id}`, {
      token: member.token,
      body: { folder: secret.id },
    });
    expect(moved.status).toBe(403);
    const others = await server.request('PATCH', `/api/files/${shared.body.id}`, {
      token: member.token,
      body: { title: 'taken' },
    });
    expect(others.status).toBe(404);

    // deletes: its own only
    expect(
      (await server.request('DELETE', `/api/files/${shared.body.id}`, { token: member.token })).status,
    ).toBe(404);
    expect(
      (await server.request('DELETE', `/api/files/${own.body.id}`, { token: member.token })).status,
    ).toBe(204);
    expect((await admin('GET', `/api/files/${shared.body.id}`)).status).toBe(200);

    // a forced folder delete needs the delete of every file inside as well
    await grant('_folders', 'delete', '');
    const forced = await server.request('DELETE', `/api/folders/${team.id}`, {
      token: member.token,
      query: { force: 'true' },
    });
    expect(forced.status).toBe(404);
    expect((await admin('GET', `/api/folders/${team.id}`)).status).toBe(200);
    expect((await admin('GET', `/api/files/${shared.body.id}`)).status).toBe(200);
    const empty = (await admin('POST', '/api/folders', { name: 'Empty' })).body;
    expect((await server.request('DELETE', `/api/folders/${empty.id}`, { token: member.token })).status).toBe(
      204,
    );
  });

  it('serves /api/assets/{id} to a file token, as an <img> sends it', async () => {
    const member = await signUp(server, 'viewer');
    const role = await admin('POST', '/api/roles', { name: `viewers-${dialect}` });
    expect(
      (await admin('PATCH', `/api/collections/users/records/${member.id}`, { roles: [role.body.id] })).status,
    ).toBe(200);
    await admin('POST', '/api/permissions', {
      role: role.body.id,
      collection: '_files',
      action: 'view',
      rule: "title = 'public picture'",
    });
    const shown = await upload(server.adminToken, { title: 'public picture' }, 'shown.txt');
    const kept = await upload(server.adminToken, { title: 'kept' }, 'kept.txt');
    const token = (await server.request('POST', '/api/files/token', { token: member.token })).body.token;
    expect(token).toEqual(expect.any(String));

    const asset = (id: string, query = '') => fetch(new URL(`/api/assets/${id}${query}`, server.url));
    const served = await asset(shown.body.id, `?token=${token}`);
    expect(served.status).toBe(200);
    expect(await served.text()).toBe('content of shown.txt');
    const refused = await asset(kept.body.id, `?token=${token}`);
    expect(refused.status).toBe(404);
    await refused.arrayBuffer();
    const anonymous = await asset(shown.body.id);
    expect(anonymous.status).toBe(401);
    await anonymous.arrayBuffer();
    // an auth token is not a file token
    const authToken = await asset(shown.body.id, `?token=${member.token}`);
    expect(authToken.status).toBe(401);
    await authToken.arrayBuffer();
    const superuserFileToken = (await admin('POST', '/api/files/token')).body.token;
    expect((await asset(kept.body.id, `?token=${superuserFileToken}`)).status).toBe(200);
  });

  it('answers Range requests (206, 416) and If-Modified-Since (304), for assets and record files', async () => {
    const asset = await upload(server.adminToken, {}, 'range.txt');
    const content = 'content of range.txt';
    const collection = await createCollection(server, {
      name: `ranged_${dialect}`,
      viewRule: '',
      fields: [{ name: 'doc', type: 'file', maxSelect: 1 }],
    });
    const form = new FormData();
    form.append('doc', new Blob([content]), 'range.txt');
    const record = (await (
      await fetch(new URL(`/api/collections/${collection.name}/records`, server.url), {
        method: 'POST',
        headers: { authorization: server.adminToken },
        body: form,
      })
    ).json()) as { id: string; doc: string };
    const urls = [`/api/assets/${asset.body.id}`, `/api/files/${collection.name}/${record.id}/${record.doc}`];
    for (const url of urls) {
      const get = async (headers: Record<string, string>) => {
        const response = await fetch(new URL(url, server.url), {
          headers: { authorization: server.adminToken, ...headers },
        });
        return { response, body: await response.text() };
      };
      const whole = await get({});
      expect(whole.body).toBe(content);
      expect(whole.response.headers.get('accept-ranges')).toBe('bytes');
      const first = await get({ range: 'bytes=0-6' });
      expect(first.response.status).toBe(206);
      expect(first.body).toBe('content');
      expect(first.response.headers.get('content-range')).toBe(`bytes 0-6/${content.length}`);
      const last = await get({ range: 'bytes=-9' });
      expect([last.response.status, last.body]).toEqual([206, 'range.txt']);
      const middle = await get({ range: 'bytes=8-9' });
      expect(middle.body).toBe('of');
      const past = await get({ range: `bytes=${content.length}-` });
      expect(past.response.status).toBe(416);
      expect(past.response.headers.get('content-range')).toBe(`bytes */${content.length}`);

      const modified = whole.response.headers.get('last-modified');
      expect(modified).toEqual(expect.any(String));
      const cached = await get({ 'if-modified-since': modified! });
      expect([cached.response.status, cached.body]).toEqual([304, '']);
      const stale = await get({ 'if-modified-since': new Date(0).toUTCString() });
      expect([stale.response.status, stale.body]).toEqual([200, content]);
    }
  });
});
