import { SluiceError } from '@sluice/hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollectionTable } from '../collections/ddl.ts';
import { normalizeCollection } from '../collections/schema.ts';
import { dialects, openTestDatabase } from '../db/testing.ts';
import type { Database } from '../db/types.ts';
import { decodeRecord, validateRecordInput } from './encoding.ts';
import { deleteRecord, findRecordById, insertRecord, updateRecord } from './store.ts';

const posts = normalizeCollection({
  name: 'posts',
  fields: [
    { name: 'title', type: 'text' },
    { name: 'score', type: 'number' },
    { name: 'published', type: 'bool' },
    { name: 'tags', type: 'select', values: ['a', 'b'], maxSelect: 2 },
    { name: 'meta', type: 'json' },
  ],
});
const members = normalizeCollection({ name: 'members', type: 'auth' });

describe.each(dialects)('record store (%s)', (dialect) => {
  let database: Database;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ database, cleanup } = await openTestDatabase(dialect));
    await database.transaction(async (trx) => {
      await createCollectionTable(trx, dialect, posts);
      await createCollectionTable(trx, dialect, members);
    });
  });
  afterAll(() => cleanup());

  it('inserts, finds, updates and deletes a record, round-tripping every encoding', async () => {
    const { values } = await validateRecordInput(
      posts,
      { title: 'One', score: '1.25', published: true, tags: ['b'], meta: { deep: { list: [1, null, 'x'] } } },
      { isAdmin: false },
    );
    await insertRecord(database.db, posts, values);
    const row = await findRecordById(database.reader, posts, values.id as string);
    expect(row).toEqual(values);
    expect(decodeRecord(posts, row!)).toMatchObject({
      title: 'One',
      score: 1.25,
      published: true,
      tags: ['b'],
      meta: { deep: { list: [1, null, 'x'] } },
    });

    const update = await validateRecordInput(
      posts,
      { 'score+': 1, published: false, meta: null },
      {
        existing: row,
        isAdmin: false,
      },
    );
    expect(await updateRecord(database.db, posts, values.id as string, update.values)).toBe(true);
    expect(
      decodeRecord(posts, (await findRecordById(database.reader, posts, values.id as string))!),
    ).toMatchObject({
      score: 2.25,
      published: false,
      meta: null,
    });

    expect(await deleteRecord(database.db, posts, values.id as string)).toBe(true);
    expect(await findRecordById(database.reader, posts, values.id as string)).toBeUndefined();
    expect(await deleteRecord(database.db, posts, values.id as string)).toBe(false);
    expect(await updateRecord(database.db, posts, values.id as string, { title: 'x' })).toBe(false);
  });

  it('finds within a transaction', async () => {
    await database.transaction(async (trx) => {
      await insertRecord(trx, posts, { id: 'intransaction00', title: 'T' });
      expect(await findRecordById(trx, posts, 'intransaction00')).toMatchObject({ title: 'T' });
    });
  });

  it('turns a duplicate email into a 400 on email', async () => {
    const signUp = (email: string) =>
      validateRecordInput(
        members,
        { email, password: 'secret123', passwordConfirm: 'secret123' },
        { isAdmin: false },
      );
    await insertRecord(database.db, members, (await signUp('ann@example.com')).values);
    const error = await signUp('ann@example.com')
      .then(({ values }) => insertRecord(database.db, members, values))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SluiceError);
    expect((error as SluiceError).status).toBe(400);
    expect((error as SluiceError).details).toEqual({
      email: { code: 'validation_not_unique', message: 'Value must be unique.' },
    });

    const other = (await signUp('bob@example.com')).values;
    await insertRecord(database.db, members, other);
    const onUpdate = await updateRecord(database.db, members, other.id as string, {
      email: 'ann@example.com',
    }).catch((caught: unknown) => caught);
    expect((onUpdate as SluiceError).details.email).toMatchObject({ code: 'validation_not_unique' });
  });

  it('turns a duplicate id into a 400 on id', async () => {
    await insertRecord(database.db, posts, { id: 'duplicateid0000' });
    const error = await insertRecord(database.db, posts, { id: 'duplicateid0000' }).catch(
      (caught: unknown) => caught,
    );
    expect((error as SluiceError).details.id).toMatchObject({ code: 'validation_not_unique' });
  });
});
