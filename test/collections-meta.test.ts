import type PocketBase from 'pocketbase';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  type Dialect,
  dialects,
  startServer,
  type TestServer,
} from './helpers.ts';
import { client, statusOf } from './sdk-client.ts';

describe.each(dialects)(
  'collection scaffolds and truncate through the PocketBase SDK (%s)',
  (dialect: Dialect) => {
    let server: TestServer;
    let admin: PocketBase;

    beforeAll(async () => {
      server = await startServer(dialect);
      admin = client(server.url);
      await admin.collection('_superusers').authWithPassword(ADMIN_EMAIL, ADMIN_PASSWORD);
    });

    afterAll(async () => {
      await server?.stop();
    });

    it('gives a scaffold of each collection type, which creates a collection once named', async () => {
      const scaffolds = await admin.collections.getScaffolds();
      expect(Object.keys(scaffolds).sort()).toEqual(['auth', 'base']);
      expect(scaffolds.base?.fields.map((field) => field.name)).toEqual(['id', 'created', 'updated']);
      expect(scaffolds.base).toMatchObject({ id: '', name: '', type: 'base' });
      const authFields = scaffolds.auth?.fields.map((field) => field.name);
      expect(authFields).toEqual(expect.arrayContaining(['id', 'password', 'tokenKey', 'email', 'verified']));
      const made = await admin.collections.create({ ...scaffolds.auth, name: 'members' });
      expect(made.fields.map((field) => field.name)).toEqual(authFields);
      expect(await statusOf(client(server.url).collections.getScaffolds())).toBe(401);
    });

    it('truncates a collection through the delete operation: events per record, files removed', async () => {
      await admin.collections.create({
        name: 'posters',
        type: 'base',
        fields: [
          { name: 'title', type: 'text' },
          { name: 'image', type: 'file', maxSelect: 1 },
        ],
        viewRule: '',
      });
      const deleted: string[] = [];
      server.app.hooks.action('records.delete', (meta) => void deleted.push(String(meta.keys?.[0])));
      const posters = [];
      for (const title of ['one', 'two', 'three']) {
        posters.push(
          await admin
            .collection('posters')
            .create({ title, image: new File([`poster ${title}`], `${title}.txt`) }),
        );
      }
      const fileUrl = admin.files.getURL(posters[0] ?? {}, posters[0]?.image);
      expect((await fetch(fileUrl)).status).toBe(200);

      expect(await statusOf(client(server.url).collections.truncate('posters'))).toBe(401);
      await admin.collections.truncate('posters');
      expect(await server.count('posters')).toBe(0);
      await server.app.hooks.drain();
      expect(deleted.sort()).toEqual(posters.map((poster) => poster.id).sort());
      expect((await fetch(fileUrl)).status).toBe(404);
      expect(await statusOf(admin.collections.truncate('nothing-here'))).toBe(404);
    });
  },
);
