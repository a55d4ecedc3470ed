import { SluiceError } from '@sluice/hooks';
import { describe, expect, it } from 'vitest';
import { normalizeCollection } from './schema.ts';
import type { Collection } from './types.ts';

function detailsOf(run: () => unknown): Record<string, { code: string }> {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SluiceError);
    expect((error as SluiceError).status).toBe(400);
    return (error as SluiceError).details;
  }
  throw new Error('expected a validation error');
}

const posts = () =>
  normalizeCollection({
    name: 'posts',
    fields: [
      { name: 'title', type: 'text', required: true, max: 200 },
      { name: 'status', type: 'select', values: ['draft', 'published'] },
      { name: 'views', type: 'number', onlyInt: true, min: 0 },
    ],
    listRule: '',
    indexes: ['CREATE INDEX idx_posts_title ON posts (title)'],
  });

describe('normalizeCollection', () => {
  it('builds a base collection with system fields around the given ones', () => {
    const collection = posts();
    expect(collection.id).toMatch(/^[a-z0-9]{15}$/);
    expect(collection).toMatchObject({
      name: 'posts',
      type: 'base',
      system: false,
      listRule: '',
      viewRule: null,
    });
    expect(collection.fields.map((field) => field.name)).toEqual([
      'id',
      'title',
      'status',
      'views',
      'created',
      'updated',
    ]);
    expect(collection.fields[0]).toMatchObject({
      type: 'text',
      primaryKey: true,
      system: true,
      autogeneratePattern: '[a-z0-9]{15}',
    });
    expect(collection.fields[4]).toMatchObject({
      type: 'autodate',
      system: true,
      onCreate: true,
      onUpdate: false,
    });
    expect(collection.fields[5]).toMatchObject({
      type: 'autodate',
      system: true,
      onCreate: true,
      onUpdate: true,
    });
    expect(collection.fields[2]).toMatchObject({ values: ['draft', 'published'], maxSelect: 1 });
    expect(new Set(collection.fields.map((field) => field.id)).size).toBe(6);
    expect(collection.created).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(collection.authRule).toBeUndefined();
  });

  it('gives auth collections their system fields and option defaults', () => {
    const users = normalizeCollection({
      name: 'members',
      type: 'auth',
      fields: [{ name: 'name', type: 'text' }],
    });
    expect(users.fields.map((field) => field.name)).toEqual([
      'id',
      'password',
      'tokenKey',
      'email',
      'emailVisibility',
      'verified',
      'roles',
      'name',
      'created',
      'updated',
    ]);
    expect(users.fields.find((field) => field.name === 'roles')).toMatchObject({
      type: 'json',
      system: true,
    });
    // a definition that leaves the roles field out (an import, an edit) keeps it
    const without = users.fields.filter((field) => field.name !== 'roles');
    const kept = normalizeCollection({ fields: without }, users);
    expect(kept.fields).toEqual(users.fields);
    expect(() =>
      normalizeCollection(
        { fields: [...without, { name: 'roles', type: 'relation', collectionId: 'x' }] },
        users,
      ),
    ).toThrow(expect.objectContaining({ status: 400 }));
    expect(users.fields.find((field) => field.name === 'password')).toMatchObject({
      hidden: true,
      system: true,
    });
    expect(users.fields.find((field) => field.name === 'tokenKey')).toMatchObject({ hidden: true });
    expect(users.fields.find((field) => field.name === 'email')).toMatchObject({
      type: 'email',
      required: true,
    });
    expect(users).toMatchObject({
      passwordAuth: { enabled: true, identityFields: ['email'] },
      authToken: { duration: 604800 },
      authRule: '',
      manageRule: null,
    });
  });

  it('accepts the full shape it returns', () => {
    const collection = posts();
    expect(normalizeCollection(JSON.parse(JSON.stringify(collection)), collection).fields).toEqual(
      collection.fields,
    );
  });

  it.each([
    [{ name: '' }, 'name', 'validation_required'],
    [{ name: '1posts' }, 'name', 'validation_invalid_name'],
    [{ name: 'po-sts' }, 'name', 'validation_invalid_name'],
    [{ name: 'x'.repeat(101) }, 'name', 'validation_length_out_of_range'],
    [{ name: '_private' }, 'name', 'validation_reserved_name'],
    [{ name: 'a', type: 'view' }, 'type', 'validation_invalid_type'],
    [{ name: 'a', fields: 'nope' }, 'fields', 'validation_invalid_value'],
    [{ name: 'a', fields: [{ name: 'x', type: 'blob' }] }, 'fields.0.type', 'validation_invalid_type'],
    [{ name: 'a', fields: [{ name: 'bad name', type: 'text' }] }, 'fields.0.name', 'validation_invalid_name'],
    [{ name: 'a', fields: [{ type: 'text' }] }, 'fields.0.name', 'validation_required'],
    [
      {
        name: 'a',
        fields: [
          { name: 'title', type: 'text' },
          { name: 'Title', type: 'number' },
        ],
      },
      'fields.1.name',
      'validation_not_unique',
    ],
    [
      { name: 'a', fields: [{ name: 'expand', type: 'text' }] },
      'fields.0.name',
      'validation_reserved_field_name',
    ],
    [{ name: 'a', fields: [{ name: 's', type: 'select' }] }, 'fields.0.values', 'validation_required'],
    [
      { name: 'a', fields: [{ name: 's', type: 'select', values: ['a'], maxSelect: 2 }] },
      'fields.0.maxSelect',
      'validation_invalid_number',
    ],
    [
      { name: 'a', fields: [{ name: 'r', type: 'relation' }] },
      'fields.0.collectionId',
      'validation_required',
    ],
    [
      { name: 'a', fields: [{ name: 't', type: 'text', pattern: '(' }] },
      'fields.0.pattern',
      'validation_invalid_regex',
    ],
    [
      { name: 'a', fields: [{ name: 't', type: 'text', min: 5, max: 2 }] },
      'fields.0.max',
      'validation_min_greater_equal_than_max',
    ],
    [
      { name: 'a', fields: [{ name: 'n', type: 'number', min: 'x' }] },
      'fields.0.min',
      'validation_invalid_number',
    ],
    [{ name: 'a', fields: [{ name: 'd', type: 'autodate' }] }, 'fields.0.onCreate', 'validation_required'],
    [
      { name: 'a', fields: [{ name: 'id', type: 'number' }] },
      'fields.0.type',
      'validation_system_field_type_change',
    ],
    [{ name: 'a', listRule: 5 }, 'listRule', 'validation_invalid_rule'],
    [{ name: 'a', indexes: ['DROP TABLE a'] }, 'indexes.0', 'validation_invalid_index_expression'],
    [
      { name: 'a', indexes: ['CREATE INDEX i ON other (x)'] },
      'indexes.0',
      'validation_invalid_index_expression',
    ],
    [
      { name: 'a', type: 'auth', authToken: { duration: -1 } },
      'authToken.duration',
      'validation_invalid_duration',
    ],
    [
      { name: 'a', type: 'auth', passwordAuth: { identityFields: ['nope'] } },
      'passwordAuth.identityFields',
      'validation_unknown_field',
    ],
    [
      { name: 'a', type: 'auth', fields: [{ name: 'passwordConfirm', type: 'text' }] },
      'fields.0.name',
      'validation_reserved_field_name',
    ],
  ])('rejects %j at %s', (input, key, code) => {
    expect(detailsOf(() => normalizeCollection(input))[key]).toMatchObject({ code });
  });

  it('reports every problem at once', () => {
    const details = detailsOf(() =>
      normalizeCollection({ name: '9', fields: [{ name: 'x', type: 'nope' }], viewRule: 1 }),
    );
    expect(Object.keys(details).sort()).toEqual(['fields.0.type', 'name', 'viewRule']);
  });

  it('rejects a body that is not an object', () => {
    expect(detailsOf(() => normalizeCollection([]))).toEqual({});
  });

  it('lets system collections use a leading underscore', () => {
    expect(
      normalizeCollection({ name: '_superusers', type: 'auth', system: true }, undefined, {
        allowSystem: true,
      }).system,
    ).toBe(true);
    expect(normalizeCollection({ name: 'plain', system: true }).system).toBe(false);
  });

  it('resolves relation targets by name and reports missing ones', () => {
    const target = posts();
    const getCollection = (idOrName: string) =>
      idOrName === target.id || idOrName === 'posts' ? target : undefined;
    const comments = normalizeCollection(
      {
        name: 'comments',
        fields: [{ name: 'post', type: 'relation', collectionId: 'posts', cascadeDelete: true }],
      },
      undefined,
      { getCollection },
    );
    expect(comments.fields[1]).toMatchObject({ collectionId: target.id, cascadeDelete: true, maxSelect: 1 });
    const details = detailsOf(() =>
      normalizeCollection(
        { name: 'c', fields: [{ name: 'p', type: 'relation', collectionId: 'ghosts' }] },
        undefined,
        {
          getCollection,
        },
      ),
    );
    expect(details['fields.0.collectionId']).toMatchObject({ code: 'validation_missing_collection' });
    expect(
      detailsOf(() => normalizeCollection({ name: 'posts' }, undefined, { getCollection })).name,
    ).toMatchObject({
      code: 'validation_collection_name_exists',
    });
  });

  describe('on update', () => {
    const withTitle = (collection: Collection) => collection.fields.find((field) => field.name === 'title')!;

    it('keeps what is not sent', () => {
      const before = posts();
      const after = normalizeCollection({ listRule: null }, before);
      expect(after.fields).toEqual(before.fields);
      expect(after.indexes).toEqual(before.indexes);
      expect(after.listRule).toBeNull();
      expect(after.id).toBe(before.id);
      expect(after.created).toBe(before.created);
    });

    it('treats a known id with a new name as a rename, a missing field as a drop, a field without id as new', () => {
      const before = posts();
      const title = withTitle(before);
      const after = normalizeCollection(
        {
          fields: [
            { id: title.id, name: 'headline', type: 'text' },
            { name: 'body', type: 'text' },
          ],
        },
        before,
      );
      expect(after.fields.map((field) => field.name)).toEqual([
        'id',
        'headline',
        'body',
        'created',
        'updated',
      ]);
      expect(after.fields[1].id).toBe(title.id);
      expect(after.fields[2].id).not.toBe(title.id);
    });

    it('matches a field sent without id to the existing field of that name', () => {
      const before = posts();
      const after = normalizeCollection(
        { fields: [{ name: 'title', type: 'text', required: false }] },
        before,
      );
      expect(withTitle(after).id).toBe(withTitle(before).id);
      expect(withTitle(after).required).toBe(false);
    });

    it('rewrites indexes when the collection is renamed', () => {
      const after = normalizeCollection({ name: 'articles' }, posts());
      expect(after.indexes).toEqual(['CREATE INDEX idx_posts_title ON articles (title)']);
    });

    it('refuses type changes, system field changes and system collection renames', () => {
      const before = posts();
      const title = withTitle(before);
      const idField = before.fields[0];
      expect(detailsOf(() => normalizeCollection({ type: 'auth' }, before)).type).toMatchObject({
        code: 'validation_collection_type_change',
      });
      expect(
        detailsOf(() =>
          normalizeCollection({ fields: [{ id: title.id, name: 'title', type: 'number' }] }, before),
        )['fields.0.type'],
      ).toMatchObject({ code: 'validation_field_type_change' });
      expect(
        detailsOf(() =>
          normalizeCollection({ fields: [{ id: idField.id, name: 'key', type: 'text' }] }, before),
        )['fields.0.name'],
      ).toMatchObject({ code: 'validation_system_field_rename' });
      const system = normalizeCollection({ name: '_things', system: true }, undefined, { allowSystem: true });
      expect(detailsOf(() => normalizeCollection({ name: 'things' }, system)).name).toMatchObject({
        code: 'validation_system_collection_rename',
      });
    });

    it('keeps system fields that the body leaves out', () => {
      const before = normalizeCollection({ name: 'members', type: 'auth' });
      const after = normalizeCollection({ fields: [{ name: 'nickname', type: 'text' }] }, before);
      expect(after.fields.filter((field) => field.system).map((field) => field.id)).toEqual(
        before.fields.filter((field) => field.system).map((field) => field.id),
      );
      expect(after.fields.some((field) => field.name === 'nickname')).toBe(true);
    });
  });

  describe('API rules', () => {
    it('refuses a rule that does not parse or names an unknown field, naming the rule and the position', () => {
      const details = detailsOf(() =>
        normalizeCollection({
          name: 'notes',
          fields: [{ name: 'title', type: 'text' }],
          listRule: 'title =',
          viewRule: 'nope = 1',
          createRule: '',
          deleteRule: null,
        }),
      );
      expect(details).toEqual({
        listRule: {
          code: 'validation_invalid_rule',
          message: expect.stringMatching(/^Invalid listRule: .*position 7/),
        },
        viewRule: {
          code: 'validation_invalid_rule',
          message: 'Invalid viewRule: unknown field "nope" at position 0.',
        },
      });
    });

    it('accepts @request and @collection references, hidden fields and the collection itself', () => {
      const members = normalizeCollection({ name: 'members', type: 'auth' });
      const getCollection = (idOrName: string) =>
        idOrName === members.id || idOrName === members.name ? members : undefined;
      const collection = normalizeCollection(
        {
          name: 'notes',
          fields: [
            { name: 'secret', type: 'text', hidden: true },
            { name: 'owner', type: 'relation', collectionId: members.id, maxSelect: 1 },
            { name: 'parent', type: 'relation', collectionId: 'notes', maxSelect: 1 },
          ],
          listRule: 'owner = @request.auth.id && @request.auth.verified = true',
          viewRule: 'secret = @request.query.key || @request.headers.x_token != ""',
          createRule: '@request.body.secret:isset = false && @request.method = "POST"',
          updateRule: '@collection.members.email ?= @request.auth.email && parent.owner.email != ""',
          deleteRule: '@collection.notes.owner ?= @request.auth.id',
        },
        undefined,
        { getCollection },
      );
      expect(collection.listRule).toBe('owner = @request.auth.id && @request.auth.verified = true');
    });

    it('refuses on update a kept rule that names a field the update drops', () => {
      const before = normalizeCollection({
        name: 'notes',
        fields: [{ name: 'title', type: 'text' }],
        listRule: 'title != ""',
      });
      const kept = before.fields.filter((field) => field.name !== 'title');
      expect(detailsOf(() => normalizeCollection({ fields: kept }, before)).listRule).toMatchObject({
        code: 'validation_invalid_rule',
        message: expect.stringContaining('"title"'),
      });
    });
  });
});
