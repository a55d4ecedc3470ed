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
  {
    name: 'files.create',
    kinds: ['filter', 'action'],
    description: 'A file is stored.',
    missingFeature: 'files',
    aliases: { directus: ['files.create'] },
  },
]);

describe('Catalogue', () => {
  it('resolves canonical patterns to the names of one kind', () => {
    expect(catalogue.namesMatching('filter', 'records.*')).toEqual(['records.create', 'records.update']);
    expect(catalogue.namesMatching('filter', 'server.start')).toEqual([]);
    expect(catalogue.namesMatching('action', '*.start')).toEqual(['server.start']);
  });

  it('leaves rows of missing features out of the names a pattern covers, not out of its rows', () => {
    expect(catalogue.namesMatching('action', '*.create')).toEqual(['records.create']);
    expect(catalogue.namesMatching('action', 'files.create')).toEqual([]);
    expect(catalogue.rowsMatching('action', '*.create').map((row) => row.name)).toEqual([
      'records.create',
      'files.create',
    ]);
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
