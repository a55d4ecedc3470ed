import { describe, expect, it } from 'vitest';
import { Catalogue } from './catalogue.ts';
import { UnknownEventError } from './errors.ts';

const catalogue = new Catalogue([
  {
    name: 'records.create',
    kinds: ['filter', 'action'],
    description: 'A record is created.',
    aliases: {
      directus: ['items.create'],
      pocketbase: [
        { name: 'onRecordBeforeCreateRequest', kind: 'filter' },
        { name: 'onAdminBeforeCreateRequest', kind: 'filter', tags: ['_superusers'] },
      ],
    },
  },
  {
    name: 'records.update',
    kinds: ['filter', 'action'],
    description: 'A record is updated.',
    aliases: { directus: ['items.update'] },
  },
  { name: 'server.start', kinds: ['action'], description: 'The server listens.' },
]);

describe('Catalogue', () => {
  it('resolves canonical patterns to the names of one kind', () => {
    expect(catalogue.namesMatching('filter', 'records.*')).toEqual(['records.create', 'records.update']);
    expect(catalogue.namesMatching('filter', 'server.start')).toEqual([]);
    expect(catalogue.namesMatching('action', '*.start')).toEqual(['server.start']);
  });

  it('resolves aliases, with their kind and tags, and * in alias segments', () => {
    expect(catalogue.resolveAlias('directus', 'items.create').map((target) => target.row.name)).toEqual([
      'records.create',
    ]);
    expect(catalogue.resolveAlias('directus', 'items.*').map((target) => target.row.name)).toEqual([
      'records.create',
      'records.update',
    ]);
    expect(catalogue.resolveAlias('pocketbase', 'onAdminBeforeCreateRequest')[0]).toMatchObject({
      kind: 'filter',
      tags: ['_superusers'],
    });
    expect(catalogue.resolveAlias('pocketbase', 'onNothing')).toEqual([]);
  });

  it('refuses duplicate and wildcard names', () => {
    expect(() => catalogue.define({ name: 'server.start', kinds: ['action'], description: '' })).toThrow(
      UnknownEventError,
    );
    expect(() => catalogue.define({ name: 'server.*', kinds: ['action'], description: '' })).toThrow(
      UnknownEventError,
    );
  });
});
