import { type AliasSpec, type CatalogueRow, type EventMapOf, types } from '@sluice/hooks';
import type { EventRecord } from '@sluice/plugin';
import type { FastifyInstance } from 'fastify';
import type { CliProgram } from '../cli-program.ts';
import type { Collection, RecordData } from '../collections/types.ts';

/**
 * The catalogue: every hook point of Sluice, one row each, with its names in the vocabularies
 * of the platforms Sluice speaks (DESIGN §2). Handler types, docs/events.md and the vocabulary
 * adapters all derive from this table.
 */

/** What `cli.before` / `cli.after` get: the commander-like program, to which a hook may add commands. */
export type { CliProgram };

/** A file sent with a record write, as hooks see it (PocketBase's `e.uploadedFiles` entries). */
export interface UploadedFileInfo {
  /** The name it is stored under. */
  name: string;
  originalName: string;
  size: number;
  /** The type sniffed from its content. */
  type: string;
}
export interface RecordEventMeta {
  event: string;
  collection: string;
  collectionId: string;
  action: 'create' | 'update' | 'delete';
  /** The files sent with a create or update, by field (present only when there are some). */
  files?: Record<string, UploadedFileInfo[]>;
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
  keys: string[];
  record: RecordData;
}
export interface RecordDeleteActionMeta extends RecordDeleteMeta {
  payload: string[];
}
/** One request of a batch, as `records.batch` sees it. */
export interface BatchRequestInfo {
  method: string;
  url: string;
  body: Record<string, unknown>;
}
export interface RecordValidateMeta extends RecordEventMeta {
  action: 'create' | 'update';
  /** On an update, the record as it is before. */
  record?: RecordData;
}
export interface RecordEnrichMeta {
  event: string;
  collection: string;
  collectionId: string;
  via: 'view' | 'list' | 'create' | 'update' | 'realtime' | 'auth';
  /** The authenticated record of the client the record is sent to, or null. */
  auth: RecordData | null;
}
export interface RecordFailMeta extends RecordEventMeta {
  record: Record<string, unknown>;
  error: unknown;
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
  /** The list or view parameters (`filter`, `sort`, `page`, `expand`, `fields`…). */
  query: object;
}
export interface AuthResponse {
  token: string;
  record: RecordData;
  meta?: Record<string, unknown>;
}
export interface LoginPayload {
  identity: string;
  password: string;
  /** The record the identity names (null when none does); a filter may pick another one. */
  record?: RecordData | null;
}
export interface AuthMeta {
  event: string;
  collection: string;
  collectionId: string;
  provider: 'password' | 'refresh' | 'oauth2' | 'otp' | 'impersonate';
  status?: 'success' | 'fail';
  user?: RecordData | null;
  error?: string;
  /** Actions of a password login: the identity, never the password. */
  payload?: { identity: string };
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
/** An auth flow (password reset, verification, email change, external auths) of one auth record. */
export interface AuthFlowMeta {
  event: string;
  collection: string;
  collectionId: string;
  /** The auth record concerned; null when none matches (the API answers as if one did). */
  record: RecordData | null;
}
export interface OAuth2Payload {
  provider: string;
  /** The record to sign in; null signs up a new one. A filter may set another record to link. */
  record: RecordData | null;
  oauth2User: Record<string, unknown>;
  isNewRecord: boolean;
}
/** `auth.oauth2`: `provider` is the provider's name (Directus' `auth.login` meta); the action's `payload` is the filter's. */
export interface OAuth2Meta {
  event: string;
  collection: string;
  collectionId: string;
  provider: string;
  providerClient: { name: string; displayName: string };
  status?: 'success';
  user?: RecordData;
  payload?: OAuth2Payload;
}
/** One-time passwords and MFA: the auth record concerned, and the ids the client holds. */
export interface OTPMeta {
  event: string;
  collection: string;
  collectionId: string;
  record: RecordData | null;
  otpId?: string;
  mfaId?: string;
  /** `auth.mfa`: the method that passed (`password`, `oauth2`, `otp`). */
  method?: string;
}
export interface OAuth2FailMeta {
  event: string;
  collection: string;
  collectionId: string;
  provider: string;
  /** As Directus' `auth.login` action says it. */
  status: 'fail';
  error: string;
}
/** `auth.external_auths.unlink`: the action names the link removed. */
export interface ExternalAuthMeta extends AuthFlowMeta {
  externalAuth?: ExternalAuth;
}
/** A record of `_externalAuths`: one provider account linked to one auth record. */
export interface ExternalAuth {
  id: string;
  collectionRef: string;
  recordRef: string;
  provider: string;
  providerId: string;
  created: string;
  updated: string;
}
export interface MailAddress {
  address: string;
  name?: string;
}
export interface MailMessage {
  from: MailAddress;
  to: MailAddress[];
  subject: string;
  html: string;
  text?: string;
  headers?: Record<string, string>;
}
export interface MailMeta {
  event: string;
  collection: string;
  collectionId: string;
  record: RecordData;
  /** What the template was rendered with: `token`, `actionUrl`, and `newEmail` for an email change. */
  meta: Record<string, unknown>;
  /** The action: the message as it was sent. */
  message?: MailMessage;
}
export interface RealtimeMeta {
  event: string;
  clientId: string;
  /** The authenticated record of the client, if any. */
  auth: RecordData | null;
}
export interface RealtimeMessage {
  name: string;
  data: unknown;
}
export interface FileDownloadMeta {
  event: string;
  collection: string;
  collectionId: string;
  record: RecordData;
  field: string;
  filename: string;
}
export interface FileTokenMeta {
  event: string;
  collection: string;
  collectionId: string;
  record: RecordData | null;
}
export interface FileTokenActionMeta extends FileTokenMeta {
  token: string;
}
export interface FileUploadMeta {
  event: string;
  payload: Record<string, unknown>;
  key: string;
  collection?: string;
  storage: string;
}
export interface StorageErrorMeta {
  event: string;
  storage: string;
  driver: string;
  operation: string;
  error: unknown;
}
/** Events of the system tables (roles, permissions, presets, …), in Directus' shape. */
export interface SystemItemMeta {
  event: string;
  collection: string;
  key?: string;
  keys?: string[];
  payload?: unknown;
}

const RECORD_TAGS = 'the collection’s name and id';

/**
 * The features the catalogue has events for that Sluice does not have yet. Their rows name one
 * in `missingFeature`: nothing fires those events, so registering a handler on one fails instead
 * of waiting for ever. A feature leaves this list when it is built.
 */
type MissingFeature = never;

/** PocketBase's record and admin request hooks for one write action. */
function pocketbaseWrite(action: 'Create' | 'Update' | 'Delete'): AliasSpec[] {
  return [
    { name: `onRecordBefore${action}Request`, kind: 'filter' },
    { name: `onRecordAfter${action}Request`, kind: 'action' },
    { name: `onAdminBefore${action}Request`, kind: 'filter', tags: ['_superusers'] },
    { name: `onAdminAfter${action}Request`, kind: 'action', tags: ['_superusers'] },
  ];
}

/** PocketBase's record (and, when the document names them, admin) hooks of one auth flow. */
function pocketbaseAuth(flow: string, admin = false): AliasSpec[] {
  const specs: AliasSpec[] = [
    { name: `onRecordBefore${flow}Request`, kind: 'filter' },
    { name: `onRecordAfter${flow}Request`, kind: 'action' },
  ];
  if (admin) {
    specs.push(
      { name: `onAdminBefore${flow}Request`, kind: 'filter', tags: ['_superusers'] },
      { name: `onAdminAfter${flow}Request`, kind: 'action', tags: ['_superusers'] },
    );
  }
  return specs;
}

/** PocketBase's mailer hooks of one message (the admin ones are the `_superusers` collection's). */
function pocketbaseMail(message: string, admin = false): AliasSpec[] {
  const specs: AliasSpec[] = [
    { name: `onMailerBeforeRecord${message}Send`, kind: 'filter' },
    { name: `onMailerAfterRecord${message}Send`, kind: 'action' },
  ];
  if (admin) {
    specs.push(
      { name: `onMailerBeforeAdmin${message}Send`, kind: 'filter', tags: ['_superusers'] },
      { name: `onMailerAfterAdmin${message}Send`, kind: 'action', tags: ['_superusers'] },
    );
  }
  return specs;
}

const SYSTEM_PAYLOAD = {
  create: 'the new item',
  update: 'the changed fields',
  delete: 'the keys of the items',
} as const;
const SYSTEM_META = {
  create: 'filter: `collection`; action: `payload`, `key`, `collection`',
  update: 'filter: `keys`, `collection`; action: `payload`, `keys`, `collection`',
  delete: 'filter: `collection`; action: `payload`, `collection`',
} as const;

/** A write to one of the system tables, under its Directus names (`roles.create`, …). */
function systemRow<const Name extends string, const Action extends 'create' | 'update' | 'delete'>(
  name: Name,
  action: Action,
  description: string,
  options: { tags?: string; payload?: string; kuzzle?: AliasSpec[]; missingFeature?: MissingFeature } = {},
) {
  return {
    name: `${name}.${action}` as `${Name}.${Action}`,
    kinds: ['filter', 'action'] as const,
    description,
    missingFeature: options.missingFeature,
    tags: options.tags,
    payload: options.payload ?? SYSTEM_PAYLOAD[action],
    meta: SYSTEM_META[action],
    types: types<Action extends 'delete' ? string[] : Record<string, unknown>, SystemItemMeta>(),
    aliases: {
      directus: [`${name}.${action}`],
      'directus-legacy': [`${name}.${action}`],
      ...(options.kuzzle ? { kuzzle: options.kuzzle } : {}),
    },
  };
}

/** Kuzzle's security controller pipes and hooks of one action (`security:beforeCreateRole`, …). */
function kuzzleSecurity(action: string): AliasSpec[] {
  return [
    { name: `security:before${action}`, kind: 'filter' },
    { name: `security:after${action}`, kind: 'action' },
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
    types: types<Record<string, unknown>, RecordEventMeta, RecordCreateActionMeta>(),
    aliases: {
      directus: ['items.create', { name: 'users.create', tags: ['users'] }],
      'directus-legacy': ['items.create', { name: 'users.create', tags: ['users'] }],
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
    types: types<Record<string, unknown>, RecordUpdateFilterMeta, RecordUpdateActionMeta>(),
    aliases: {
      directus: ['items.update', { name: 'users.update', tags: ['users'] }],
      'directus-legacy': ['items.update', { name: 'users.update', tags: ['users'] }],
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
    types: types<string[], RecordDeleteMeta, RecordDeleteActionMeta>(),
    aliases: {
      directus: ['items.delete', { name: 'users.delete', tags: ['users'] }],
      'directus-legacy': ['items.delete', { name: 'users.delete', tags: ['users'] }],
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
    types: types<ListResult, ReadMeta, ReadMeta & { payload: ListResult }>(),
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
    types: types<RecordData, ReadMeta, ReadMeta & { payload: RecordData }>(),
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
  {
    name: 'records.validate',
    kinds: ['filter'],
    description:
      'A record’s data is about to be validated, on a create or an update: after the `records.create` / `records.update` filters, inside the transaction. A throw fails the write; the filter may change the data validated and written.',
    tags: RECORD_TAGS,
    payload: 'the data to validate (on an update, the changes)',
    meta: '`collection`, `collectionId`, `action` (`create` or `update`); on an update `record`, as it is before',
    types: types<Record<string, unknown>, RecordValidateMeta>(),
    aliases: { pocketbase: [{ name: 'onRecordValidate', kind: 'filter' }] },
  },
  {
    name: 'records.enrich',
    kinds: ['filter'],
    description:
      'A record is about to be sent to a client: viewed, listed, returned by a create or an update, in a realtime message or an auth response. The filter may hide fields (remove them) or add and change some; it changes only what this client gets.',
    tags: RECORD_TAGS,
    payload: 'the record as it will be sent',
    meta: '`collection`, `collectionId`, `via` (`view`, `list`, `create`, `update`, `realtime`, `auth`), `auth` (the authenticated record, or null)',
    types: types<RecordData, RecordEnrichMeta>(),
    aliases: { pocketbase: [{ name: 'onRecordEnrich', kind: 'filter' }] },
  },
  {
    name: 'records.batch',
    kinds: ['filter', 'action'],
    description:
      'A batch request (`POST /api/batch`) is about to run its requests, in its transaction. The filter may change, add or remove requests, or refuse the batch by throwing; the action runs after the commit.',
    payload: 'the requests `[{method, url, body}]`',
    meta: 'action: `payload` (the requests run), `results` (`[{status, body}]`)',
    types: types<
      BatchRequestInfo[],
      { event: string },
      { event: string; payload: BatchRequestInfo[]; results: { status: number; body: unknown }[] }
    >(),
    aliases: { pocketbase: [{ name: 'onBatchRequest', kind: 'filter' }] },
  },
  ...(['create', 'update', 'delete'] as const).map((action) => {
    const Action = action[0]!.toUpperCase() + action.slice(1);
    return {
      name: `records.${action}.fail`,
      kinds: ['action'],
      description: `A record ${action} failed after its \`records.${action}\` filters ran (its validation, a \`model.${action}\` filter, the write or the commit failed); runs once the transaction rolled back (inside a larger one, such as a batch, once the write failed).`,
      tags: RECORD_TAGS,
      meta: '`collection`, `collectionId`, `action`, `record` (the data of the failed write, or the record as it is), `error`',
      types: types<never, RecordFailMeta>(),
      aliases: { pocketbase: [{ name: `onRecordAfter${Action}Error`, kind: 'action' }] },
    } as const;
  }),

  // ── models: every row write, whatever its origin ─────────────────────────
  {
    name: 'model.create',
    kinds: ['filter', 'action'],
    description:
      'A row is inserted, from the API, a service, a hook or the system. The filter gets the full record before the insert.',
    tags: 'the table name (and, for records, the collection id)',
    payload: 'the full row as a record',
    meta: '`table`, `collection`',
    types: types<Record<string, unknown>, ModelMeta, ModelMeta & { record: Record<string, unknown> }>(),
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
    types: types<Record<string, unknown>, ModelMeta, ModelMeta & { record: Record<string, unknown> }>(),
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
    types: types<Record<string, unknown>, ModelMeta, ModelMeta & { record: Record<string, unknown> }>(),
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
    types: types<
      { collections: unknown[]; deleteMissing: boolean },
      { event: string },
      { event: string; payload: { collections: unknown[]; deleteMissing: boolean } }
    >(),
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
  systemRow(
    'settings',
    'create',
    'The settings are stored for the first time (the defaults, when a data folder is first opened).',
    { payload: 'the settings' },
  ),
  systemRow(
    'settings',
    'delete',
    'A group of settings is reset to its defaults (`DELETE /api/settings/{group}`).',
    { payload: 'the groups reset (`[group]`)' },
  ),

  // ── auth ─────────────────────────────────────────────────────────────────
  {
    name: 'auth.login',
    kinds: ['filter', 'action'],
    description:
      'Someone authenticates with a password. The filter gets the credentials before they are checked; the action runs after a success.',
    tags: RECORD_TAGS,
    payload:
      '`{identity, password, record}` (`record`: the record the identity names, or null; a filter may pick another)',
    meta: '`collection`, `provider`; action: `status`, `user`, `payload` (`{identity}`: never the password)',
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
    meta: '`collection`, `provider`, `status`, `error`, `payload` (`{identity}`)',
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

  {
    name: 'auth.oauth2',
    kinds: ['filter', 'action'],
    description:
      'Someone signs in or signs up with an OAuth2 provider. The filter runs after the code is exchanged and before the external account is linked; it may set `record` to link another existing record (null signs up a new one). The action runs after a success.',
    tags: RECORD_TAGS,
    payload: '`{provider, record, oauth2User, isNewRecord}`',
    meta: '`collection`, `provider` (its name), `providerClient` (`{name, displayName}`); action: `status`, `user`, `payload`',
    types: types<OAuth2Payload, OAuth2Meta>(),
    aliases: { pocketbase: pocketbaseAuth('AuthWithOAuth2'), directus: ['auth.login'] },
  },
  {
    name: 'auth.oauth2.fail',
    kinds: ['action'],
    description:
      'An OAuth2 sign-in failed: the provider refused, the code exchange failed, or the account could not be linked or created.',
    tags: 'the collection’s name and id, and the provider’s name (`google`, `facebook`, …)',
    meta: '`collection`, `provider`, `status` (`fail`), `error`',
    types: types<never, OAuth2FailMeta>(),
    aliases: {
      directus: [{ name: 'auth.login', kind: 'action' }],
      qelos: (['linkedin', 'facebook', 'google', 'twitter'] as const).map(
        (provider): AliasSpec => ({
          name: `auth.failed-social-login.failed-${provider}-login`,
          kind: 'action',
          tags: [provider],
        }),
      ),
    },
  },
  {
    name: 'auth.password_reset.request',
    kinds: ['filter', 'action'],
    description:
      'A password reset is requested for an email. The filter runs before the reset email is sent (meta `record` is null when no account has that address; a throw answers with its error either way); returning `false` sends no email. The API answers 204 as usual, so as not to reveal whether the account exists. The action runs when an email was queued.',
    tags: RECORD_TAGS,
    payload: '`{email}`',
    meta: '`collection`, `record` (the matching auth record, or null)',
    types: types<{ email: string }, AuthFlowMeta>(),
    aliases: { pocketbase: pocketbaseAuth('RequestPasswordReset', true) },
  },
  {
    name: 'auth.password_reset.confirm',
    kinds: ['filter', 'action'],
    description:
      'A password reset is confirmed with its token. The filter runs before the new password is stored through `records.update` (returning `false` takes over: nothing is stored, the API answers 204); the action after commit (the record’s other tokens are then invalid).',
    tags: RECORD_TAGS,
    payload: '`{token, password, passwordConfirm}`',
    meta: '`collection`, `record`',
    types: types<{ token: string; password: string; passwordConfirm: string }, AuthFlowMeta>(),
    aliases: { pocketbase: pocketbaseAuth('ConfirmPasswordReset', true) },
  },
  {
    name: 'auth.verification.request',
    kinds: ['filter', 'action'],
    description:
      'A verification email is requested. The filter runs before it is sent (meta `record` is null when no account has that address); returning `false` sends no email (the API answers 204 as usual). No email goes to a record already verified. The action runs when an email was queued.',
    tags: RECORD_TAGS,
    payload: '`{email}`',
    meta: '`collection`, `record` (the matching auth record, or null)',
    types: types<{ email: string }, AuthFlowMeta>(),
    aliases: { pocketbase: pocketbaseAuth('RequestVerification') },
  },
  {
    name: 'auth.verification.confirm',
    kinds: ['filter', 'action'],
    description:
      'An email address is confirmed with its verification token. The filter runs before the record is marked verified through `records.update` (returning `false` takes over: nothing is stored); the action after commit. A record already verified answers 204 without events.',
    tags: RECORD_TAGS,
    payload: '`{token}`',
    meta: '`collection`, `record`',
    types: types<{ token: string }, AuthFlowMeta>(),
    aliases: { pocketbase: pocketbaseAuth('ConfirmVerification') },
  },
  {
    name: 'auth.email_change.request',
    kinds: ['filter', 'action'],
    description:
      'An authenticated record asks to change its email. The filter runs before the confirmation link is sent to the new address; returning `false` sends no email. The action runs when an email was queued.',
    tags: RECORD_TAGS,
    payload: '`{newEmail}`',
    meta: '`collection`, `record`',
    types: types<{ newEmail: string }, AuthFlowMeta>(),
    aliases: { pocketbase: pocketbaseAuth('RequestEmailChange') },
  },
  {
    name: 'auth.email_change.confirm',
    kinds: ['filter', 'action'],
    description:
      'An email change is confirmed with its token and the password. The filter runs before the new address is stored through `records.update` (verified, with a new tokenKey: earlier tokens die; returning `false` takes over: nothing is stored); the action after commit.',
    tags: RECORD_TAGS,
    payload: '`{token, password}`',
    meta: '`collection`, `record`',
    types: types<{ token: string; password: string }, AuthFlowMeta>(),
    aliases: { pocketbase: pocketbaseAuth('ConfirmEmailChange') },
  },
  {
    name: 'auth.external_auths.list',
    kinds: ['filter'],
    description:
      'The external (OAuth2) accounts linked to an auth record are listed; the filter may change the list before it is sent.',
    tags: RECORD_TAGS,
    payload:
      'the linked accounts, records of `_externalAuths`: `[{id, collectionRef, recordRef, provider, providerId, created, updated}]`',
    meta: '`collection`, `record`',
    types: types<ExternalAuth[], AuthFlowMeta>(),
    aliases: { pocketbase: ['onRecordListExternalAuthsRequest'] },
  },
  {
    name: 'auth.external_auths.unlink',
    kinds: ['filter', 'action'],
    description:
      'An external (OAuth2) account is unlinked from an auth record. The filter runs before the link is deleted; the action after commit.',
    tags: RECORD_TAGS,
    payload: 'the linked account being removed',
    meta: '`collection`, `record`; action: `externalAuth`',
    types: types<ExternalAuth, ExternalAuthMeta>(),
    aliases: { pocketbase: pocketbaseAuth('UnlinkExternalAuth') },
  },
  {
    name: 'auth.otp.request',
    kinds: ['filter', 'action'],
    description:
      'A one-time password is requested for an email (`request-otp`). The filter runs before the password is made and mailed (meta `record` is null when no account has that address); returning `false` sends nothing. The API answers `{otpId}` either way, so as not to reveal whether the account exists. The action runs when a mail was queued.',
    tags: RECORD_TAGS,
    payload: '`{email}`',
    meta: '`collection`, `record` (the matching auth record, or null); action: `otpId`',
    types: types<{ email: string }, OTPMeta>(),
    aliases: { pocketbase: ['onRecordRequestOTPRequest'] },
  },
  {
    name: 'auth.otp',
    kinds: ['filter', 'action'],
    description:
      'Someone signs in with a one-time password (`auth-with-otp`). The filter runs once the password is checked, before the token is made; the action after a success (the password is then used up).',
    tags: RECORD_TAGS,
    payload: 'the auth record',
    meta: '`collection`, `record`, `otpId`',
    types: types<RecordData, OTPMeta>(),
    aliases: { pocketbase: ['onRecordAuthWithOTPRequest'] },
  },
  {
    name: 'auth.mfa',
    kinds: ['action'],
    description:
      'A first sign-in method passed on a collection that requires multi-factor authentication: the client got 401 with an `mfaId` to send with its second method.',
    tags: RECORD_TAGS,
    meta: '`collection`, `record`, `method` (the one that passed), `mfaId`',
    types: types<never, OTPMeta>(),
  },

  // ── mail ─────────────────────────────────────────────────────────────────
  {
    name: 'mailer.password_reset',
    kinds: ['filter', 'action'],
    description:
      'A password reset email is about to be sent to an auth record (filter: may change the message; returning `false` means it is not sent; a throw is logged, the request having been answered) or was sent (action). It is sent in the background of the request that asked for it, over the SMTP server of the settings.',
    tags: RECORD_TAGS,
    payload:
      'the message `{from, to, subject, html, text}` (`from` and each of `to` are `{address, name?}`; `headers` optional)',
    meta: '`collection`, `record`, `meta` (`token`, `actionUrl`); action: `message` as sent',
    types: types<MailMessage, MailMeta>(),
    aliases: { pocketbase: pocketbaseMail('ResetPassword', true) },
  },
  {
    name: 'mailer.verification',
    kinds: ['filter', 'action'],
    description:
      'A verification email is about to be sent to an auth record (filter: may change the message; returning `false` means it is not sent; a throw is logged, the request having been answered) or was sent (action). It is sent in the background of the request that asked for it, over the SMTP server of the settings.',
    tags: RECORD_TAGS,
    payload:
      'the message `{from, to, subject, html, text}` (`from` and each of `to` are `{address, name?}`; `headers` optional)',
    meta: '`collection`, `record`, `meta` (`token`, `actionUrl`); action: `message` as sent',
    types: types<MailMessage, MailMeta>(),
    aliases: { pocketbase: pocketbaseMail('Verification') },
  },
  {
    name: 'mailer.email_change',
    kinds: ['filter', 'action'],
    description:
      'The email confirming a new address is about to be sent (filter: may change the message; returning `false` means it is not sent; a throw is logged, the request having been answered) or was sent (action). It is sent in the background of the request that asked for it, over the SMTP server of the settings.',
    tags: RECORD_TAGS,
    payload:
      'the message `{from, to, subject, html, text}` (`from` and each of `to` are `{address, name?}`; `headers` optional)',
    meta: '`collection`, `record`, `meta` (`token`, `actionUrl`, `newEmail`); action: `message` as sent',
    types: types<MailMessage, MailMeta>(),
    aliases: { pocketbase: pocketbaseMail('ChangeEmail') },
  },
  {
    name: 'mailer.otp',
    kinds: ['filter', 'action'],
    description:
      'A one-time password email is about to be sent to an auth record (filter: may change the message; returning `false` means it is not sent; a throw is logged, the request having been answered) or was sent (action).',
    tags: RECORD_TAGS,
    payload:
      'the message `{from, to, subject, html, text}` (`from` and each of `to` are `{address, name?}`; `headers` optional)',
    meta: '`collection`, `record`, `meta` (`otpId`, `password`); action: `message` as sent',
    types: types<MailMessage, MailMeta>(),
    aliases: { pocketbase: ['onMailerRecordOTPSend'] },
  },

  // ── realtime ─────────────────────────────────────────────────────────────
  {
    name: 'realtime.connect',
    kinds: ['filter', 'action'],
    description:
      'A client opens the realtime (SSE) connection (`GET /api/realtime`). The filter runs before it is established — a throw refuses it with that error, and the idle timeout may be changed (a connection without subscriptions is closed after that long without a message); the action runs once `PB_CONNECT` was sent.',
    payload: '`{clientId, idleTimeout}` (milliseconds; default 5 minutes)',
    meta: '`clientId`, `auth` (null: a client is bound to an auth by its first subscription request)',
    types: types<{ clientId: string; idleTimeout: number }, RealtimeMeta>(),
    aliases: { pocketbase: [{ name: 'onRealtimeConnectRequest', kind: 'filter' }] },
  },
  {
    name: 'realtime.disconnect',
    kinds: ['action'],
    description:
      'A realtime client disconnected, or its connection was interrupted, timed out, refused by a `realtime.message` filter, dropped because it did not read its messages, or closed at shutdown.',
    meta: '`clientId`, `auth`',
    types: types<never, RealtimeMeta>(),
    aliases: { pocketbase: ['onRealtimeDisconnectRequest'] },
  },
  {
    name: 'realtime.subscribe',
    kinds: ['filter', 'action'],
    description:
      'A realtime client sets its subscriptions (`POST /api/realtime`; they replace the previous ones). The filter may check or change them before they apply — a throw is the error response; the action runs after they changed.',
    payload:
      'the subscriptions (topics such as `articles/*` or `articles/RECORD_ID`, optionally with `?options=`)',
    meta: '`clientId`, `auth` (of the request, which the client is bound to), `previous`; action: `subscriptions` too',
    types: types<
      string[],
      RealtimeMeta & { previous: string[] },
      RealtimeMeta & { previous: string[]; subscriptions: string[] }
    >(),
    aliases: {
      pocketbase: [
        { name: 'onRealtimeBeforeSubscribeRequest', kind: 'filter' },
        { name: 'onRealtimeAfterSubscribeRequest', kind: 'action' },
      ],
      kuzzle: [
        { name: 'realtime:beforeSubscribe', kind: 'filter' },
        { name: 'realtime:afterSubscribe', kind: 'action' },
      ],
    },
  },
  {
    name: 'realtime.message',
    kinds: ['filter', 'action'],
    description:
      'A message is about to be sent to one realtime client (filter: may change it; returning `false` means the message is not sent; throwing closes the connection) or was sent (action). Record changes are messages named after the matching subscription, sent after commit to the clients whose API rule lets them see the record; `PB_CONNECT` is one too.',
    tags: 'for record messages, the collection’s name and id',
    payload:
      'the message `{name, data}`: `data` is `{action, record}` for a record change, `{clientId}` for `PB_CONNECT`',
    meta: '`clientId`, `auth`; action: `message` too',
    types: types<RealtimeMessage, RealtimeMeta, RealtimeMeta & { message: RealtimeMessage }>(),
    aliases: {
      pocketbase: [
        { name: 'onRealtimeBeforeMessageSend', kind: 'filter' },
        { name: 'onRealtimeAfterMessageSend', kind: 'action' },
      ],
    },
  },

  // ── files ────────────────────────────────────────────────────────────────
  systemRow(
    'files',
    'create',
    'A file is added to the files library: its content is stored, then its row written.',
    {
      tags: '`_files`',
    },
  ),
  systemRow('files', 'update', 'A file of the library is changed: its details, its folder or its content.', {
    tags: '`_files`',
  }),
  systemRow(
    'files',
    'delete',
    'Files of the library are deleted; their content goes once the delete is committed.',
    {
      tags: '`_files`',
    },
  ),
  {
    name: 'files.upload',
    kinds: ['action'],
    description: 'A file was uploaded and written to storage (local disk or S3).',
    tags: RECORD_TAGS,
    meta: '`payload` (the file’s row), `key`, `collection`, `storage`',
    types: types<never, FileUploadMeta>(),
    aliases: { directus: ['files.upload'], qelos: ['assets.asset-operation.asset-uploaded'] },
  },
  {
    name: 'files.storage_error',
    kinds: ['action'],
    description:
      'The file storage could not be reached or refused an operation (the request that needed it gets a 503).',
    tags: 'the storage driver (`local`, `s3`, …)',
    meta: '`storage` and `driver` (its name), `operation`, `error`',
    types: types<never, StorageErrorMeta>(),
    aliases: {
      qelos: (['s3', 'gcs', 'ftp', 'cloudinary'] as const).map(
        (storage): AliasSpec => ({
          name: `assets.storage-connection-error.${storage}-connection-error`,
          kind: 'action',
          tags: [storage],
        }),
      ),
    },
  },
  {
    name: 'files.download',
    kinds: ['filter'],
    description:
      'A file of a record is about to be served. The filter may refuse it (throw) or change what is served.',
    tags: RECORD_TAGS,
    payload: '`{servedPath, servedName}`',
    meta: '`collection`, `record`, `field`, `filename`',
    types: types<{ servedPath: string; servedName: string }, FileDownloadMeta>(),
    aliases: { pocketbase: ['onFileDownloadRequest'] },
  },
  {
    name: 'files.token',
    kinds: ['filter', 'action'],
    description:
      'A short-lived token for protected files is requested. The filter runs before it is issued; when the request is not authenticated the token is empty and a filter may issue its own.',
    tags: 'the auth collection’s name and id',
    payload: '`{token}`',
    meta: '`collection`, `collectionId`, `record` (the authenticated record, or null); action: `token` too',
    types: types<{ token: string }, FileTokenMeta, FileTokenActionMeta>(),
    aliases: {
      pocketbase: [
        { name: 'onFileBeforeTokenRequest', kind: 'filter' },
        { name: 'onFileAfterTokenRequest', kind: 'action' },
      ],
    },
  },
  systemRow('folders', 'create', 'A folder of the file library is created.'),
  systemRow('folders', 'update', 'A folder of the file library is renamed or moved.'),
  systemRow('folders', 'delete', 'A folder of the file library is deleted, with the folders inside it.'),

  // ── schema, access and history (system tables) ───────────────────────────
  systemRow(
    'relations',
    'create',
    'A relation between two collections is defined: a relation field, the collection it points to and what happens on delete.',
  ),
  systemRow('relations', 'update', 'A relation is changed (its target or its delete behaviour).'),
  systemRow('relations', 'delete', 'A relation is removed.'),
  systemRow(
    'presets',
    'create',
    'A preset is saved: a list query (filter, sort, fields, page size) of a collection, for one user, a role or everyone.',
    { tags: 'the collection’s name' },
  ),
  systemRow('presets', 'update', 'A preset is changed.', {
    tags: 'the collection’s name',
  }),
  systemRow('presets', 'delete', 'A preset is deleted.', {
    tags: 'the collection’s name',
  }),
  systemRow(
    'roles',
    'create',
    'A role is created: a named group of users that permissions and API rules can refer to.',
    { kuzzle: kuzzleSecurity('CreateRole') },
  ),
  systemRow('roles', 'update', 'A role is changed (its name, description or admin access).', {
    kuzzle: kuzzleSecurity('UpdateRole'),
  }),
  systemRow(
    'roles',
    'delete',
    'A role is deleted, with its permissions; it leaves the `roles` of its members, each a `records.update`.',
    {
      kuzzle: kuzzleSecurity('DeleteRole'),
    },
  ),
  systemRow(
    'permissions',
    'create',
    'A permission is granted: one action (list, view, create, update, delete) on a collection for a role, with its rule.',
  ),
  systemRow('permissions', 'update', 'A permission’s rule or fields are changed.'),
  systemRow('permissions', 'delete', 'A permission is revoked.'),
  systemRow(
    'activity',
    'create',
    'An entry is written to the activity log: who did what to which record, when and from where.',
    { tags: 'the name of the collection the entry is about' },
  ),
  systemRow('activity', 'update', 'An activity log entry is changed (its comment is edited).', {
    tags: 'the name of the collection the entry is about',
  }),
  systemRow(
    'activity',
    'delete',
    'Activity log entries are deleted (retention clean-up or an admin’s request).',
    {
      tags: 'the name of the collection the entry is about',
    },
  ),
  systemRow(
    'revisions',
    'create',
    'A revision is stored: the data of a record after a change, kept so that it can be compared or restored.',
    { tags: 'the name of the collection of the record' },
  ),
  systemRow('revisions', 'update', 'A stored revision is changed (fields redacted from it).', {
    tags: 'the name of the collection of the record',
  }),
  systemRow('revisions', 'delete', 'Revisions are deleted (pruning or an admin’s request).', {
    tags: 'the name of the collection of the record',
  }),
  systemRow(
    'webhooks',
    'create',
    'A webhook endpoint is registered: its URL, signing secret and the events it subscribes to.',
  ),
  systemRow(
    'webhooks',
    'update',
    'A webhook endpoint is changed (its URL, events or whether it is enabled).',
  ),
  systemRow('webhooks', 'delete', 'A webhook endpoint is removed.'),
  ...(['create', 'update', 'delete'] as const).map((action) => {
    const { aliases: _directusOnly, ...row } = systemRow(
      'plugins',
      action,
      {
        create: 'A remote plugin is created (`POST /api/plugins`); its key is never in the event.',
        update: 'A remote plugin’s key is rotated.',
        delete: 'A remote plugin is removed, with its hook and its deliveries.',
      }[action],
    );
    return row;
  }),

  // ── HTTP ─────────────────────────────────────────────────────────────────
  {
    name: 'request.not_found',
    kinds: ['filter'],
    description:
      'No route matched. Returning a value other than `false` means the hook answers the request itself, then or later (through `meta.response`); `false`, or a stop before any other value, answers 404.',
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
    types: types<unknown[], { request: unknown }, { request: unknown; payload: unknown[] }>(),
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
      { request: unknown; error: unknown },
      {
        request: unknown;
        error: unknown;
        payload: { status: number; message: string; data: Record<string, unknown> };
      }
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
    description:
      'A database query failed and its error reached the HTTP layer unhandled; the filter may replace the error with a typed one (its status and message answer).',
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
    description:
      'GET /api/now answers the server time; the filter may change the answer. A stop answers it as the chain left it.',
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
      [
        'cli.before',
        "The command line is being built, once the extensions loaded: `program` is a commander-like program without the built-in commands yet, to which a hook may add its own (`program.command('name <arg>').option('--flag').action(fn)`).",
      ],
      [
        'cli.after',
        'The command line is built (the built-in `serve` and `admin create` added); it is parsed and its command run next.',
      ],
    ] as const
  ).map(
    ([name, description]) =>
      ({
        name,
        kinds: ['init'],
        description,
        meta: '`program`',
        types: types<never, { program: CliProgram }>(),
        aliases: { directus: [name] },
      }) as const,
  ),
  ...(
    [
      ['app.before', 'The HTTP app is created, before anything is registered on it.'],
      ['app.after', 'The HTTP app is complete.'],
      ['routes.before', 'Before the built-in routes are registered.'],
      ['routes.after', 'After the built-in routes are registered.'],
      ['routes.custom.before', 'Before extensions’ own routes are registered.'],
      ['routes.custom.after', 'After extensions’ own routes are registered.'],
      ['middlewares.before', 'Before the built-in middlewares (auth, body parsing) are registered.'],
      ['middlewares.after', 'After the built-in middlewares are registered.'],
    ] as const
  ).map(
    ([name, description]) =>
      ({
        name,
        kinds: ['init'],
        description,
        meta: '`app` (the Fastify instance)',
        types: types<never, { app: FastifyInstance }>(),
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
    meta: 'the event record `{id, time, source, kind, eventName, name, tags, user, metadata}`',
    types: types<never, EventRecord>(),
  },
] as const satisfies readonly (CatalogueRow & { missingFeature?: MissingFeature })[];

export type SluiceEvents = EventMapOf<typeof events>;
