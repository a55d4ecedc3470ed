import { type AliasSpec, type CatalogueRow, type EventMapOf, types } from '@sluice/hooks';
import type { Collection, RecordData } from '../collections/types.ts';

/**
 * The catalogue: every hook point of Sluice, one row each, with its names in the vocabularies
 * of the platforms Sluice speaks (DESIGN §2). Handler types, docs/events.md and the vocabulary
 * adapters all derive from this table.
 */

export interface RecordEventMeta {
  event: string;
  collection: string;
  collectionId: string;
  action: 'create' | 'update' | 'delete';
}
export interface RecordCreateActionMeta extends RecordEventMeta {
  payload: Record<string, unknown>;
  key: string;
  record: RecordData;
}
export interface RecordUpdateFilterMeta extends RecordEventMeta {
  keys: string[];
  /** The record as it is before the update. */
  record: RecordData;
}
export interface RecordUpdateActionMeta extends RecordEventMeta {
  payload: Record<string, unknown>;
  keys: string[];
  record: RecordData;
  previous: RecordData;
}
export interface RecordDeleteMeta extends RecordEventMeta {
  payload: string[];
  keys: string[];
  record: RecordData;
}
export interface ModelMeta {
  event: string;
  table: string;
  collection?: string;
  action: 'create' | 'update' | 'delete';
}
export interface ListResult {
  page: number;
  perPage: number;
  totalItems: number;
  totalPages: number;
  items: RecordData[];
}
export interface ReadMeta {
  event: string;
  collection: string;
  collectionId: string;
  query: Record<string, unknown>;
}
export interface AuthResponse {
  token: string;
  record: RecordData;
  meta?: Record<string, unknown>;
}
export interface LoginPayload {
  identity: string;
  password: string;
}
export interface AuthMeta {
  event: string;
  collection: string;
  collectionId: string;
  provider: 'password' | 'refresh' | 'oauth2';
  status?: 'success' | 'fail';
  user?: RecordData | null;
  error?: string;
}
export interface CollectionMeta {
  event: string;
  collection: string;
  keys?: string[];
  previous?: Collection;
}
export interface SettingsUpdateMeta {
  event: string;
  previous: Record<string, unknown>;
}

const RECORD_TAGS = 'the collection’s name and id';

/** PocketBase's record and admin request hooks for one write action. */
function pocketbaseWrite(action: 'Create' | 'Update' | 'Delete'): AliasSpec[] {
  return [
    { name: `onRecordBefore${action}Request`, kind: 'filter' },
    { name: `onRecordAfter${action}Request`, kind: 'action' },
    { name: `onAdminBefore${action}Request`, kind: 'filter', tags: ['_superusers'] },
    { name: `onAdminAfter${action}Request`, kind: 'action', tags: ['_superusers'] },
  ];
}

export const events = [
  // ── records (request and service level) ──────────────────────────────────
  {
    name: 'records.create',
    kinds: ['filter', 'action'],
    description:
      'A record is created through the API or the records service. The filter runs inside the transaction before the insert and may change the data; the action runs after commit.',
    tags: RECORD_TAGS,
    payload: 'the new record’s data',
    meta: 'filter: `collection`, `collectionId`; action: `payload`, `key`, `record`, `collection`',
    types: types<Record<string, unknown>, RecordEventMeta>(),
    aliases: {
      directus: ['items.create'],
      'directus-legacy': ['items.create'],
      pocketbase: pocketbaseWrite('Create'),
      kuzzle: [
        { name: 'document:beforeCreate', kind: 'filter' },
        { name: 'document:afterCreate', kind: 'action' },
        { name: 'generic:document:beforeWrite', kind: 'filter' },
        { name: 'generic:document:afterWrite', kind: 'action' },
        { name: 'security:afterCreateRestrictedUser', kind: 'action', tags: ['users'] },
      ],
      qelos: [{ name: 'auth.users.user-created', kind: 'action', tags: ['users'] }],
    },
  },
  {
    name: 'records.update',
    kinds: ['filter', 'action'],
    description:
      'A record is updated. The filter gets the changes (and the current record in meta) inside the transaction; the action runs after commit.',
    tags: RECORD_TAGS,
    payload: 'the changed fields',
    meta: 'filter: `keys`, `collection`, `record`; action: `payload`, `keys`, `collection`, `record`, `previous`',
    types: types<Record<string, unknown>, RecordUpdateFilterMeta>(),
    aliases: {
      directus: ['items.update'],
      'directus-legacy': ['items.update'],
      pocketbase: pocketbaseWrite('Update'),
      kuzzle: [
        { name: 'document:beforeUpdate', kind: 'filter' },
        { name: 'document:afterUpdate', kind: 'action' },
        { name: 'generic:document:beforeWrite', kind: 'filter' },
        { name: 'generic:document:afterWrite', kind: 'action' },
      ],
      qelos: [{ name: 'auth.users.user-updated', kind: 'action', tags: ['users'] }],
    },
  },
  {
    name: 'records.delete',
    kinds: ['filter', 'action'],
    description:
      'A record is deleted. The filter gets the keys inside the transaction; the action runs after commit.',
    tags: RECORD_TAGS,
    payload: 'the keys of the records',
    meta: '`collection`, `record`; action also `payload`',
    types: types<string[], RecordDeleteMeta>(),
    aliases: {
      directus: ['items.delete'],
      'directus-legacy': ['items.delete'],
      pocketbase: pocketbaseWrite('Delete'),
      kuzzle: [
        { name: 'document:beforeDelete', kind: 'filter' },
        { name: 'document:afterDelete', kind: 'action' },
        { name: 'generic:document:beforeDelete', kind: 'filter' },
        { name: 'generic:document:afterDelete', kind: 'action' },
      ],
      qelos: [{ name: 'auth.users.user-removed', kind: 'action', tags: ['users'] }],
    },
  },
  {
    name: 'records.list',
    kinds: ['filter', 'action'],
    description: 'A page of records is listed. The filter may change the result before it is sent.',
    tags: RECORD_TAGS,
    payload: 'the result `{page, perPage, totalItems, totalPages, items}`',
    meta: '`collection`, `query`',
    types: types<ListResult, ReadMeta>(),
    aliases: {
      directus: [{ name: 'items.read', kind: 'action' }],
      'directus-legacy': [{ name: 'items.read', kind: 'action' }],
      pocketbase: [
        { name: 'onRecordsListRequest', kind: 'filter' },
        { name: 'onAdminsListRequest', kind: 'filter', tags: ['_superusers'] },
      ],
      kuzzle: [
        { name: 'document:afterSearch', kind: 'filter' },
        { name: 'generic:document:afterGet', kind: 'filter' },
      ],
    },
  },
  {
    name: 'records.view',
    kinds: ['filter', 'action'],
    description: 'One record is read. The filter may change it before it is sent.',
    tags: RECORD_TAGS,
    payload: 'the record',
    meta: '`collection`, `query`',
    types: types<RecordData, ReadMeta>(),
    aliases: {
      directus: [{ name: 'items.read', kind: 'action' }],
      'directus-legacy': [{ name: 'items.read', kind: 'action' }],
      pocketbase: [
        { name: 'onRecordViewRequest', kind: 'filter' },
        { name: 'onAdminViewRequest', kind: 'filter', tags: ['_superusers'] },
      ],
      kuzzle: [
        { name: 'document:afterGet', kind: 'filter' },
        { name: 'generic:document:beforeGet', kind: 'filter' },
        { name: 'generic:document:afterGet', kind: 'filter' },
      ],
    },
  },

  // ── models: every row write, whatever its origin ─────────────────────────
  {
    name: 'model.create',
    kinds: ['filter', 'action'],
    description:
      'A row is inserted, from the API, a service, a hook or the system. The filter gets the full record before the insert.',
    tags: 'the table name (and, for records, the collection id)',
    payload: 'the full row as a record',
    meta: '`table`, `collection`',
    types: types<Record<string, unknown>, ModelMeta>(),
    aliases: {
      pocketbase: [
        { name: 'onModelBeforeCreate', kind: 'filter' },
        { name: 'onModelAfterCreate', kind: 'action' },
      ],
    },
  },
  {
    name: 'model.update',
    kinds: ['filter', 'action'],
    description:
      'A row is updated, whatever the origin. The filter gets the full record as it will be stored.',
    tags: 'the table name (and, for records, the collection id)',
    payload: 'the full row as a record',
    meta: '`table`, `collection`',
    types: types<Record<string, unknown>, ModelMeta>(),
    aliases: {
      pocketbase: [
        { name: 'onModelBeforeUpdate', kind: 'filter' },
        { name: 'onModelAfterUpdate', kind: 'action' },
      ],
    },
  },
  {
    name: 'model.delete',
    kinds: ['filter', 'action'],
    description: 'A row is deleted, whatever the origin.',
    tags: 'the table name (and, for records, the collection id)',
    payload: 'the row as a record',
    meta: '`table`, `collection`',
    types: types<Record<string, unknown>, ModelMeta>(),
    aliases: {
      pocketbase: [
        { name: 'onModelBeforeDelete', kind: 'filter' },
        { name: 'onModelAfterDelete', kind: 'action' },
      ],
    },
  },

  // ── collections ───────────────────────────────────────────────────────────
  ...(['create', 'update', 'delete'] as const).map((action) => {
    const Action = action[0]!.toUpperCase() + action.slice(1);
    return {
      name: `collections.${action}`,
      kinds: ['filter', 'action'],
      description: `A collection is ${action}d, with its table, in one transaction.`,
      payload: action === 'delete' ? 'the collection' : 'the collection definition',
      meta: '`collection` (its name), `previous` on update',
      types: types<Collection, CollectionMeta>(),
      aliases: {
        directus: [`collections.${action}`],
        'directus-legacy': [`collections.${action}`],
        pocketbase: [
          { name: `onCollectionBefore${Action}Request`, kind: 'filter' },
          { name: `onCollectionAfter${Action}Request`, kind: 'action' },
        ],
        kuzzle: [
          { name: `collection:before${Action}`, kind: 'filter' },
          { name: `collection:after${Action}`, kind: 'action' },
        ],
      },
    } as const;
  }),
  {
    name: 'collections.list',
    kinds: ['filter'],
    description: 'Collections are listed; the filter may change the result.',
    payload: 'the result `{page, perPage, totalItems, totalPages, items}`',
    types: types<{ items: Collection[] }, { event: string }>(),
    aliases: { pocketbase: ['onCollectionsListRequest'], kuzzle: ['collection:afterList'] },
  },
  {
    name: 'collections.view',
    kinds: ['filter'],
    description: 'One collection is read; the filter may change it.',
    payload: 'the collection',
    types: types<Collection, { event: string }>(),
    aliases: { pocketbase: ['onCollectionViewRequest'] },
  },
  {
    name: 'collections.import',
    kinds: ['filter', 'action'],
    description: 'Collections are imported in one transaction (created, updated and, when asked, deleted).',
    payload: '`{collections, deleteMissing}`',
    types: types<{ collections: unknown[]; deleteMissing: boolean }, { event: string }>(),
    aliases: {
      pocketbase: [
        { name: 'onCollectionsBeforeImportRequest', kind: 'filter' },
        { name: 'onCollectionsAfterImportRequest', kind: 'action' },
      ],
    },
  },
  ...(['create', 'update', 'delete'] as const).map(
    (action) =>
      ({
        name: `fields.${action}`,
        kinds: ['filter', 'action'],
        description: `A field is ${action}d as part of a collection change; runs inside that transaction.`,
        tags: 'the collection’s name',
        payload: 'the field definition',
        meta: '`collection`',
        types: types<Record<string, unknown>, { event: string; collection: string }>(),
        aliases: { directus: [`fields.${action}`], 'directus-legacy': [`fields.${action}`] },
      }) as const,
  ),

  // ── settings ─────────────────────────────────────────────────────────────
  {
    name: 'settings.list',
    kinds: ['filter'],
    description: 'Settings are read (secrets already redacted); the filter may change the result.',
    payload: 'the settings',
    types: types<Record<string, unknown>, { event: string }>(),
    aliases: { pocketbase: ['onSettingsListRequest'] },
  },
  {
    name: 'settings.update',
    kinds: ['filter', 'action'],
    description: 'Settings are changed. The filter gets the new values and the old ones in meta.',
    payload: 'the new settings',
    meta: '`previous`',
    types: types<Record<string, unknown>, SettingsUpdateMeta>(),
    aliases: {
      directus: ['settings.update'],
      'directus-legacy': ['settings.update'],
      pocketbase: [
        { name: 'onSettingsBeforeUpdateRequest', kind: 'filter' },
        { name: 'onSettingsAfterUpdateRequest', kind: 'action' },
      ],
    },
  },

  // ── auth ─────────────────────────────────────────────────────────────────
  {
    name: 'auth.login',
    kinds: ['filter', 'action'],
    description:
      'Someone authenticates with a password. The filter gets the credentials before they are checked; the action runs after a success.',
    tags: RECORD_TAGS,
    payload: '`{identity, password}`',
    meta: '`collection`, `provider`; action: `status`, `user`',
    types: types<LoginPayload, AuthMeta>(),
    aliases: {
      directus: ['auth.login'],
      'directus-legacy': [{ name: 'auth.success', kind: 'action' }],
      pocketbase: [
        { name: 'onRecordBeforeAuthWithPasswordRequest', kind: 'filter' },
        { name: 'onRecordAfterAuthWithPasswordRequest', kind: 'action' },
        { name: 'onAdminBeforeAuthWithPasswordRequest', kind: 'filter', tags: ['_superusers'] },
        { name: 'onAdminAfterAuthWithPasswordRequest', kind: 'action', tags: ['_superusers'] },
      ],
      kuzzle: [
        { name: 'auth:beforeLogin', kind: 'filter' },
        { name: 'auth:afterLogin', kind: 'action' },
      ],
    },
  },
  {
    name: 'auth.fail',
    kinds: ['action'],
    description: 'An authentication attempt failed (wrong identity or password).',
    tags: RECORD_TAGS,
    meta: '`collection`, `provider`, `status`, `error`',
    types: types<never, AuthMeta>(),
    aliases: { 'directus-legacy': ['auth.fail'] },
  },
  {
    name: 'auth.refresh',
    kinds: ['filter', 'action'],
    description: 'An auth token is refreshed.',
    tags: RECORD_TAGS,
    payload: 'the authenticated record',
    meta: '`collection`, `provider`',
    types: types<RecordData, AuthMeta>(),
    aliases: {
      'directus-legacy': [{ name: 'auth.refresh', kind: 'action' }],
      pocketbase: [
        { name: 'onRecordBeforeAuthRefreshRequest', kind: 'filter' },
        { name: 'onRecordAfterAuthRefreshRequest', kind: 'action' },
        { name: 'onAdminBeforeAuthRefreshRequest', kind: 'filter', tags: ['_superusers'] },
        { name: 'onAdminAfterAuthRefreshRequest', kind: 'action', tags: ['_superusers'] },
      ],
      kuzzle: [
        { name: 'auth:beforeRefreshToken', kind: 'filter' },
        { name: 'auth:afterRefreshToken', kind: 'action' },
      ],
    },
  },
  {
    name: 'auth.token',
    kinds: ['filter'],
    description:
      'Any successful authentication is about to answer with a token and the record; the filter may change that response.',
    tags: RECORD_TAGS,
    payload: '`{token, record, meta}`',
    meta: '`collection`, `provider`',
    types: types<AuthResponse, AuthMeta>(),
    aliases: {
      directus: ['auth.jwt'],
      pocketbase: ['onRecordAuthRequest', { name: 'onAdminAuthRequest', tags: ['_superusers'] }],
    },
  },
  {
    name: 'auth.signup',
    kinds: ['action'],
    description: 'A guest created an account in an auth collection (after commit).',
    tags: RECORD_TAGS,
    meta: '`collection`, `record`',
    types: types<never, { event: string; collection: string; record: RecordData }>(),
    aliases: { qelos: ['auth.signup.user-registered'] },
  },

  // ── HTTP ─────────────────────────────────────────────────────────────────
  {
    name: 'request.not_found',
    kinds: ['filter'],
    description:
      'No route matched. Returning a value other than `false` means the hook answered the request itself.',
    payload: '`false`',
    meta: '`request`, `response`',
    types: types<boolean, { request: unknown; response: unknown }>(),
    aliases: { directus: ['request.not_found'] },
  },
  {
    name: 'request.error',
    kinds: ['filter', 'action'],
    description: 'A request failed. The filter may change the errors before they are answered.',
    payload: 'the request errors',
    types: types<unknown[], { request: unknown }>(),
    aliases: { directus: ['request.error'], 'directus-legacy': [{ name: 'server.error', kind: 'action' }] },
  },
  {
    name: 'api.error',
    kinds: ['filter', 'action'],
    description:
      'An error response is about to be sent (filter: may change it) or was sent (action). PocketBase’s onBeforeApiError / onAfterApiError.',
    payload: 'the error response `{status, message, data}`',
    meta: '`request`, `error`',
    types: types<
      { status: number; message: string; data: Record<string, unknown> },
      { request: unknown; error: unknown }
    >(),
    aliases: {
      pocketbase: [
        { name: 'onBeforeApiError', kind: 'filter' },
        { name: 'onAfterApiError', kind: 'action' },
      ],
    },
  },
  {
    name: 'database.error',
    kinds: ['filter'],
    description: 'A database query failed; the filter may replace the error.',
    payload: 'the database error',
    meta: '`client`',
    types: types<unknown, { client: string }>(),
    aliases: { directus: ['database.error'] },
  },
  {
    name: 'response',
    kinds: ['action'],
    description: 'A response was sent.',
    meta: '`request`, `response`, `ip`, `duration`, `finished`',
    types: types<
      never,
      { request: unknown; response: unknown; ip: string; duration: number; finished: boolean }
    >(),
    aliases: { directus: ['response'] },
  },
  {
    name: 'server.now',
    kinds: ['filter'],
    description: 'GET /api/now answers the server time; the filter may change the answer.',
    payload: '`{now}`',
    types: types<{ now: string | number }, { request: unknown }>(),
    aliases: { kuzzle: ['server:afterNow'] },
  },

  // ── life of the app ──────────────────────────────────────────────────────
  {
    name: 'server.start',
    kinds: ['action'],
    description: 'The HTTP server listens.',
    meta: '`server`',
    types: types<never, { server: unknown }>(),
    aliases: { directus: ['server.start'], 'directus-legacy': ['server.start'] },
  },
  {
    name: 'server.stop',
    kinds: ['action'],
    description: 'The HTTP server stopped accepting requests.',
    meta: '`server`',
    types: types<never, { server: unknown }>(),
    aliases: { directus: ['server.stop'] },
  },
  {
    name: 'app.bootstrap',
    kinds: ['init'],
    description: 'Before the app bootstraps (database open, migrations run, before extensions’ routes).',
    meta: '`app`',
    types: types<never, { app: unknown }>(),
    aliases: { pocketbase: ['onBeforeBootstrap'] },
  },
  {
    name: 'app.bootstrapped',
    kinds: ['init'],
    description: 'After the app bootstrapped: database, schema and services are ready.',
    meta: '`app`',
    types: types<never, { app: unknown }>(),
    aliases: { pocketbase: ['onAfterBootstrap'] },
  },
  {
    name: 'app.terminate',
    kinds: ['init'],
    description: 'The app is stopping: requests drained, actions settled, database still open.',
    meta: '`app`',
    types: types<never, { app: unknown }>(),
    aliases: { pocketbase: ['onTerminate'] },
  },
  ...(
    [
      ['cli.before', 'The command line is being built.', '`program`'],
      ['cli.after', 'The command line is built.', '`program`'],
      ['app.before', 'The HTTP app is created, before anything is registered on it.', '`app`'],
      ['app.after', 'The HTTP app is complete.', '`app`'],
      ['routes.before', 'Before the built-in routes are registered.', '`app`'],
      ['routes.after', 'After the built-in routes are registered.', '`app`'],
      ['routes.custom.before', 'Before extensions’ own routes are registered.', '`app`'],
      ['routes.custom.after', 'After extensions’ own routes are registered.', '`app`'],
      ['middlewares.before', 'Before the built-in middlewares (auth, body parsing) are registered.', '`app`'],
      ['middlewares.after', 'After the built-in middlewares are registered.', '`app`'],
    ] as const
  ).map(
    ([name, description, meta]) =>
      ({
        name,
        kinds: ['init'],
        description,
        meta,
        types: types<never, Record<string, unknown>>(),
        aliases: { directus: [name] },
      }) as const,
  ),
  {
    name: 'hook.error',
    kinds: ['action'],
    description: 'An action or schedule handler failed. A failing hook.error handler is only logged.',
    meta: '`extension`, `event`, `error`',
    types: types<never, { extension: string; event: string; error: unknown }>(),
    aliases: { kuzzle: ['hook:onError'] },
  },
  {
    name: 'plugin.event',
    kinds: ['action'],
    description:
      'A custom event dispatched by an extension or a plugin (`events.dispatch`, POST /api/events); its source starts with `plugin:`.',
    tags: '`source`, `kind` and `eventName`',
    meta: 'the event record `{id, time, source, kind, eventName, user, metadata}`',
    types: types<never, Record<string, unknown>>(),
  },
] as const satisfies readonly CatalogueRow[];

export type SluiceEvents = EventMapOf<typeof events>;
