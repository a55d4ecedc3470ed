import { SluiceError } from '@sluice/hooks';
import { describe, expect, it } from 'vitest';
import { normalizeCollection } from '../collections/schema.ts';
import type { Collection } from '../collections/types.ts';
import { decodeRecord, validateRecordInput } from './encoding.ts';
import { verifyPassword } from './password.ts';

const things = normalizeCollection({
  name: 'things',
  fields: [
    { name: 'title', type: 'text', required: true, min: 2, max: 10 },
    { name: 'code', type: 'text', pattern: '^[A-Z]+$' },
    { name: 'slug', type: 'text', autogeneratePattern: 'sl_[a-z]{6}' },
    { name: 'count', type: 'number', onlyInt: true, min: 0, max: 100 },
    { name: 'ratio', type: 'number' },
    { name: 'done', type: 'bool' },
    { name: 'contact', type: 'email', onlyDomains: ['example.com'] },
    { name: 'site', type: 'url' },
    { name: 'due', type: 'date', min: '2000-01-01' },
    { name: 'status', type: 'select', values: ['draft', 'live'] },
    { name: 'tags', type: 'select', values: ['a', 'b', 'c'], maxSelect: 2 },
    { name: 'meta', type: 'json', maxSize: 50 },
    { name: 'owner', type: 'relation', collectionId: 'someone' },
    { name: 'friends', type: 'relation', collectionId: 'someone', maxSelect: 5 },
    { name: 'photo', type: 'file' },
    { name: 'secretNote', type: 'text', hidden: true },
  ],
});

const members = normalizeCollection({
  name: 'members',
  type: 'auth',
  fields: [{ name: 'nickname', type: 'text' }],
});

async function problems(
  collection: Collection,
  input: unknown,
  existing?: Record<string, unknown>,
  isAdmin = false,
) {
  try {
    await validateRecordInput(collection, input, { existing, isAdmin });
  } catch (error) {
    expect(error).toBeInstanceOf(SluiceError);
    expect((error as SluiceError).status).toBe(400);
    return (error as SluiceError).details;
  }
  throw new Error('expected a validation error');
}

const create = (collection: Collection, input: unknown, isAdmin = false) =>
  validateRecordInput(collection, input, { isAdmin }).then((result) => result.values);

describe('validateRecordInput', () => {
  it('encodes every field type for storage on create', async () => {
    const values = await create(things, {
      title: 'Hello',
      code: 'ABC',
      count: '42',
      ratio: 0.5,
      done: 'true',
      contact: 'ann@example.com',
      site: 'https://sluice.dev/x',
      due: '2024-03-05T10:20:30+02:00',
      status: 'live',
      tags: ['a', 'b', 'a'],
      meta: { nested: [1, 2] },
      owner: 'abcdefghijklmno',
      friends: 'abcdefghijklmno',
      photo: 'photo_x.png',
    });
    expect(values).toMatchObject({
      title: 'Hello',
      code: 'ABC',
      count: 42,
      ratio: 0.5,
      done: 1,
      contact: 'ann@example.com',
      site: 'https://sluice.dev/x',
      due: '2024-03-05 08:20:30.000Z',
      status: 'live',
      tags: '["a","b"]',
      meta: '{"nested":[1,2]}',
      owner: 'abcdefghijklmno',
      friends: '["abcdefghijklmno"]',
      photo: 'photo_x.png',
      secretNote: '',
    });
    expect(values.id).toMatch(/^[a-z0-9]{15}$/);
    expect(values.slug).toMatch(/^sl_[a-z]{6}$/);
    expect(values.created).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(values.updated).toBe(values.created);
  });

  it('fills defaults for missing fields', async () => {
    const values = await create(things, { title: 'Hi' });
    expect(values).toMatchObject({
      count: 0,
      done: 0,
      tags: '[]',
      meta: null,
      status: '',
      due: '',
      friends: '[]',
    });
  });

  it('keeps a valid id and refuses a malformed one', async () => {
    expect((await create(things, { id: 'abcdefghij12345', title: 'Hi' })).id).toBe('abcdefghij12345');
    expect((await problems(things, { id: 'SHORT', title: 'Hi' })).id).toMatchObject({
      code: 'validation_invalid_id',
    });
  });

  it.each([
    [{ title: 'Hi', nope: 1 }, 'nope', 'validation_unknown_field'],
    [{}, 'title', 'validation_required'],
    [{ title: 'x' }, 'title', 'validation_min_text_constraint'],
    [{ title: 'x'.repeat(11) }, 'title', 'validation_max_text_constraint'],
    [{ title: { a: 1 } }, 'title', 'validation_invalid_value'],
    [{ title: 'Hi', code: 'abc' }, 'code', 'validation_invalid_format'],
    [{ title: 'Hi', count: 'many' }, 'count', 'validation_invalid_number'],
    [{ title: 'Hi', count: 1.5 }, 'count', 'validation_only_int_constraint'],
    [{ title: 'Hi', count: -1 }, 'count', 'validation_min_number_constraint'],
    [{ title: 'Hi', count: 101 }, 'count', 'validation_max_number_constraint'],
    [{ title: 'Hi', done: 'maybe' }, 'done', 'validation_invalid_bool'],
    [{ title: 'Hi', contact: 'not-an-email' }, 'contact', 'validation_invalid_email'],
    [{ title: 'Hi', contact: 'ann@elsewhere.com' }, 'contact', 'validation_email_domain_not_allowed'],
    [{ title: 'Hi', site: 'nope' }, 'site', 'validation_invalid_url'],
    [{ title: 'Hi', due: 'yesterday' }, 'due', 'validation_invalid_date'],
    [{ title: 'Hi', due: '1999-12-31' }, 'due', 'validation_min_date_constraint'],
    [{ title: 'Hi', status: 'gone' }, 'status', 'validation_invalid_value'],
    [{ title: 'Hi', tags: ['a', 'b', 'c'] }, 'tags', 'validation_too_many_values'],
    [{ title: 'Hi', tags: [1] }, 'tags', 'validation_invalid_value'],
    [{ title: 'Hi', meta: { big: 'x'.repeat(60) } }, 'meta', 'validation_json_size_limit'],
    [{ title: 'Hi', owner: 'bad id!' }, 'owner', 'validation_invalid_value'],
  ])('rejects %j at %s', async (input, key, code) => {
    expect((await problems(things, input))[key]).toMatchObject({ code });
  });

  it('reports all problems together', async () => {
    const details = await problems(things, { count: 'x', done: 'x', extra: 1 });
    expect(Object.keys(details).sort()).toEqual(['count', 'done', 'extra', 'title']);
  });

  it('rejects a body that is not an object', async () => {
    expect(await problems(things, 'text')).toEqual({});
  });

  it('ignores autodate values and the collection keys clients echo back', async () => {
    const values = await create(things, {
      title: 'Hi',
      created: '2000-01-01',
      collectionId: things.id,
      collectionName: 'things',
    });
    expect(values.created).not.toBe('2000-01-01');
  });

  it('on update returns only what changes, applying modifiers to the stored row', async () => {
    const stored = {
      ...(await create(things, { title: 'Hi', count: 5, tags: ['a'], friends: ['x1', 'x2'] })),
    };
    const { values } = await validateRecordInput(
      things,
      { 'count+': 3, '+tags': 'b', 'friends-': 'x1', done: true },
      { existing: stored, isAdmin: false },
    );
    expect(values).toEqual({
      count: 8,
      tags: '["b","a"]',
      friends: '["x2"]',
      done: 1,
      updated: expect.any(String),
    });

    // a single-value field keeps the last value appended, as in PocketBase
    const single = await validateRecordInput(
      things,
      { 'status+': 'live' },
      { existing: { ...stored, status: 'draft' }, isAdmin: false },
    );
    expect(single.values.status).toBe('live');
    const created = await create(things, { title: 'Hi', 'status+': 'draft' });
    expect(created.status).toBe('draft');

    const details = await problems(things, { 'count-': 10 }, stored);
    expect(details.count).toMatchObject({ code: 'validation_min_number_constraint' });
    expect((await problems(things, { 'title+': 'x' }, stored))['title+']).toMatchObject({
      code: 'validation_unknown_field',
    });
    expect((await problems(things, { id: 'otherid00000000' }, stored)).id).toMatchObject({
      code: 'validation_id_immutable',
    });
    expect((await problems(things, { title: '' }, stored)).title).toMatchObject({
      code: 'validation_required',
    });
  });

  describe('auth collections', () => {
    const signUp = {
      email: 'ann@example.com',
      password: 'secret123',
      passwordConfirm: 'secret123',
      nickname: 'ann',
    };

    it('hashes the password and makes a tokenKey on create', async () => {
      const values = await create(members, signUp);
      expect(values).toMatchObject({
        email: 'ann@example.com',
        emailVisibility: 0,
        verified: 0,
        nickname: 'ann',
      });
      expect(await verifyPassword('secret123', values.password as string)).toBe(true);
      expect(values.tokenKey).toMatch(/^[A-Za-z0-9]{50}$/);
      expect(values).not.toHaveProperty('passwordConfirm');
    });

    it.each([
      [{ ...signUp, password: undefined, passwordConfirm: undefined }, 'password', 'validation_required'],
      [
        { ...signUp, password: 'short', passwordConfirm: 'short' },
        'password',
        'validation_min_text_constraint',
      ],
      [{ ...signUp, passwordConfirm: 'different' }, 'passwordConfirm', 'validation_values_mismatch'],
      [{ ...signUp, email: '' }, 'email', 'validation_required'],
      [{ ...signUp, email: 'nope' }, 'email', 'validation_invalid_email'],
      [{ ...signUp, verified: true }, 'verified', 'validation_forbidden'],
      [{ ...signUp, tokenKey: 'x' }, 'tokenKey', undefined],
    ])('checks %j at %s', async (input, key, code) => {
      if (code === undefined) {
        expect((await create(members, input)).tokenKey).not.toBe('x');
        return;
      }
      expect((await problems(members, input))[key]).toMatchObject({ code });
    });

    it('lets admins set verified and tokenKey', async () => {
      const values = await create(members, { ...signUp, verified: true, tokenKey: 'k'.repeat(50) }, true);
      expect(values).toMatchObject({ verified: 1, tokenKey: 'k'.repeat(50) });
    });

    it('needs the old password to change it, and renews the tokenKey', async () => {
      const stored = await create(members, signUp);
      const change = { password: 'newsecret1', passwordConfirm: 'newsecret1' };
      expect((await problems(members, change, stored)).oldPassword).toMatchObject({
        code: 'validation_invalid_old_password',
      });
      expect(
        (await problems(members, { ...change, oldPassword: 'wrong' }, stored)).oldPassword,
      ).toBeDefined();
      const { values } = await validateRecordInput(
        members,
        { ...change, oldPassword: 'secret123' },
        { existing: stored, isAdmin: false },
      );
      expect(await verifyPassword('newsecret1', values.password as string)).toBe(true);
      expect(values.tokenKey).toMatch(/^[A-Za-z0-9]{50}$/);
      expect(values.tokenKey).not.toBe(stored.tokenKey);

      const byAdmin = await validateRecordInput(members, change, { existing: stored, isAdmin: true });
      expect(byAdmin.values.password).toBeDefined();
    });

    it('keeps email and verified for managers only on update', async () => {
      const stored = await create(members, signUp);
      expect((await problems(members, { email: 'bob@example.com' }, stored)).email).toMatchObject({
        code: 'validation_forbidden',
      });
      const same = await validateRecordInput(
        members,
        { email: 'ann@example.com', nickname: 'a' },
        {
          existing: stored,
          isAdmin: false,
        },
      );
      expect(same.values.nickname).toBe('a');
      const admin = await validateRecordInput(
        members,
        { email: 'bob@example.com', verified: true },
        {
          existing: stored,
          isAdmin: true,
        },
      );
      expect(admin.values).toMatchObject({ email: 'bob@example.com', verified: 1 });
    });
  });
});

describe('decodeRecord', () => {
  it('turns a stored row into the API shape', async () => {
    const row = await create(things, {
      title: 'Hello',
      done: true,
      tags: ['a'],
      meta: { a: 1 },
      ratio: 2.5,
      secretNote: 'psst',
    });
    const record = decodeRecord(things, row);
    expect(Object.keys(record).slice(0, 3)).toEqual(['collectionId', 'collectionName', 'id']);
    expect(record).toMatchObject({
      collectionId: things.id,
      collectionName: 'things',
      id: row.id,
      title: 'Hello',
      done: true,
      tags: ['a'],
      friends: [],
      meta: { a: 1 },
      ratio: 2.5,
      count: 0,
      due: '',
    });
    expect(record).not.toHaveProperty('secretNote');
    expect(decodeRecord(things, row, { includeHidden: true }).secretNote).toBe('psst');
  });

  it('hides password, tokenKey and, unless allowed, email', async () => {
    const row = await create(members, {
      email: 'ann@example.com',
      password: 'secret123',
      passwordConfirm: 'secret123',
    });
    const hidden = decodeRecord(members, row);
    expect(hidden).not.toHaveProperty('password');
    expect(hidden).not.toHaveProperty('tokenKey');
    expect(hidden).not.toHaveProperty('email');
    expect(hidden).toMatchObject({ emailVisibility: false, verified: false });
    expect(decodeRecord(members, row, { isAdmin: true }).email).toBe('ann@example.com');
    expect(decodeRecord(members, row, { showEmail: true }).email).toBe('ann@example.com');
    expect(decodeRecord(members, { ...row, emailVisibility: 1 }).email).toBe('ann@example.com');
  });
});
