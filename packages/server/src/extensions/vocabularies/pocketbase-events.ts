import { loginPasswordOf } from '../../auth/operations/login-password.ts';
import type { HandlerContext } from '../types.ts';
import { changedFields, type PocketBaseRecord, pocketbaseRecord, recordData } from './pocketbase-record.ts';

/** The `e` a PocketBase handler receives. */
export interface PocketBaseEvent {
  httpContext?: unknown;
  record?: PocketBaseRecord | null;
  admin?: PocketBaseRecord | null;
  [field: string]: any;
}

type Data = Record<string, any>;

/** How one catalogue event looks to PocketBase handlers. */
interface Shape {
  /** `e` for a filter; `read` gives the payload the handler leaves in it. */
  filter?(payload: any, meta: Data): PocketBaseEvent;
  read?(e: PocketBaseEvent, payload: any, meta: Data): unknown;
  /** `e` for an action or an init event. */
  action?(meta: Data, ctx: HandlerContext | undefined): PocketBaseEvent;
}

const isPlainObject = (value: unknown): value is Data =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const collectionOf = (meta: Data) => ({ id: meta.collectionId, name: meta.collection });
const recordEvent = (record: unknown, meta: Data): PocketBaseEvent => ({
  ...meta,
  record: pocketbaseRecord(record, meta.collection),
  collection: collectionOf(meta),
  uploadedFiles: meta.files ?? {},
});
const readRecord = (e: PocketBaseEvent, payload: unknown) => recordData(e.record) ?? payload;

/** PocketBase's realtime events carry the client, whose id is read as `e.client.id()`. */
const realtimeEvent = (meta: Data): PocketBaseEvent => ({
  ...meta,
  client: { id: () => meta.clientId, auth: meta.auth ?? null },
});

const oauth2Event = (payload: Data | undefined, meta: Data): PocketBaseEvent => ({
  ...recordEvent(payload?.record ?? null, meta),
  providerName: payload?.provider ?? meta.provider,
  providerClient: meta.providerClient,
  oAuth2User: payload?.oauth2User,
  isNewRecord: payload?.isNewRecord,
});

const listShape = (itemsField: string): Shape => ({
  filter: (payload, meta) => ({ ...meta, result: payload, [itemsField]: payload?.items }),
  read: (e) => e.result,
});

const SHAPES: Record<string, Shape> = {
  'records.create': {
    filter: (payload, meta) => recordEvent(payload, meta),
    read: readRecord,
    action: (meta) => recordEvent(meta.record, meta),
  },
  'records.update': {
    filter: (payload, meta) => recordEvent({ ...meta.record, ...payload }, meta),
    read: (e, payload, meta) => {
      const merged = recordData(e.record);
      return merged ? changedFields(meta.record, merged, payload) : payload;
    },
    action: (meta) => recordEvent(meta.record, meta),
  },
  'records.delete': {
    filter: (_payload, meta) => recordEvent(meta.record, meta),
    read: (_e, payload) => payload,
    action: (meta) => recordEvent(meta.record, meta),
  },
  'records.validate': {
    filter: (payload, meta) => recordEvent(meta.record ? { ...meta.record, ...payload } : payload, meta),
    read: (e, payload, meta) => {
      const merged = recordData(e.record);
      if (!merged) return payload;
      return meta.record ? changedFields(meta.record, merged, payload) : merged;
    },
  },
  'records.enrich': {
    filter: (payload, meta) => recordEvent(payload, meta),
    read: readRecord,
  },
  'records.batch': {
    filter: (payload, meta) => ({ ...meta, batch: payload }),
    read: (e) => e.batch,
    action: (meta) => ({ ...meta, batch: meta.payload, results: meta.results }),
  },
  'records.list': listShape('records'),
  'records.view': {
    filter: (payload, meta) => recordEvent(payload, meta),
    read: readRecord,
  },
  ...Object.fromEntries(
    ['model.create', 'model.update', 'model.delete'].map((name) => [
      name,
      {
        filter: (payload, meta) => ({ ...meta, model: pocketbaseRecord(payload, meta.table) }),
        read: (e, payload) => recordData(e.model) ?? payload,
        action: (meta) => ({ ...meta, model: pocketbaseRecord(meta.record ?? meta.payload, meta.table) }),
      } satisfies Shape,
    ]),
  ),
  'auth.login': {
    filter: (payload, meta) => ({
      ...recordEvent(payload?.record ?? null, meta),
      identity: payload?.identity,
      password: payload?.password,
    }),
    read: (e, payload) => ({
      ...payload,
      identity: e.identity,
      password: e.password,
      record: recordData(e.record) ?? null,
    }),
    action: (meta, ctx) => ({
      ...recordEvent(meta.user ?? meta.record ?? null, meta),
      identity: meta.payload?.identity,
      password: loginPasswordOf(ctx?.state),
    }),
  },
  'auth.token': {
    filter: (payload, meta) => ({
      ...recordEvent(payload?.record, meta),
      token: payload?.token,
      meta: payload?.meta,
    }),
    read: (e, payload) => ({ ...payload, token: e.token, record: recordData(e.record), meta: e.meta }),
  },
  'auth.refresh': {
    filter: (payload, meta) => recordEvent(payload, meta),
    read: readRecord,
    action: (meta) => recordEvent(meta.record ?? meta.user, meta),
  },
  'api.error': {
    filter: (payload, meta) => ({ ...meta, error: payload, cause: meta.error }),
    read: (e) => e.error,
  },
  ...Object.fromEntries(
    ['collections.create', 'collections.update', 'collections.delete', 'collections.view'].map((name) => [
      name,
      {
        filter: (payload, meta) => ({ ...meta, collection: payload }),
        read: (e) => e.collection,
        action: (meta) => ({ ...meta, collection: meta.record ?? meta.payload ?? meta.collection }),
      } satisfies Shape,
    ]),
  ),
  'collections.list': listShape('collections'),
  'collections.import': {
    filter: (payload, meta) => ({ ...meta, collections: payload?.collections }),
    read: (e, payload) => ({ ...payload, collections: e.collections }),
    action: (meta) => ({ ...meta, collections: meta.payload?.collections ?? meta.collections }),
  },
  ...Object.fromEntries(
    ['mailer.password_reset', 'mailer.verification', 'mailer.email_change', 'mailer.otp'].map((name) => [
      name,
      {
        filter: (payload, meta) => ({ ...recordEvent(meta.record, meta), message: payload, meta: meta.meta }),
        read: (e) => e.message,
        action: (meta) => ({
          ...recordEvent(meta.record, meta),
          message: meta.payload ?? meta.message,
          meta: meta.meta,
        }),
      } satisfies Shape,
    ]),
  ),
  'realtime.connect': {
    filter: (payload, meta) => ({ ...realtimeEvent(meta), idleTimeout: payload?.idleTimeout }),
    read: (e, payload) => ({ ...payload, idleTimeout: e.idleTimeout }),
    action: realtimeEvent,
  },
  'realtime.disconnect': { action: realtimeEvent },
  'realtime.subscribe': {
    filter: (payload, meta) => ({ ...realtimeEvent(meta), subscriptions: payload }),
    read: (e) => e.subscriptions,
    action: (meta) => ({ ...realtimeEvent(meta), subscriptions: meta.payload ?? meta.subscriptions }),
  },
  'realtime.message': {
    filter: (payload, meta) => ({ ...realtimeEvent(meta), message: payload }),
    read: (e) => e.message,
    action: (meta) => ({ ...realtimeEvent(meta), message: meta.payload ?? meta.message }),
  },
  'files.download': {
    filter: (payload, meta) => ({
      ...recordEvent(meta.record, meta),
      fileField: meta.field,
      servedPath: payload?.servedPath,
      servedName: payload?.servedName,
    }),
    read: (e, payload) => ({ ...payload, servedPath: e.servedPath, servedName: e.servedName }),
  },
  'auth.oauth2': {
    filter: (payload, meta) => oauth2Event(payload, meta),
    read: (e, payload) => ({
      ...payload,
      provider: e.providerName,
      record: recordData(e.record),
      oauth2User: e.oAuth2User,
      isNewRecord: e.isNewRecord,
    }),
    action: (meta) => oauth2Event(meta.payload ?? meta, meta),
  },
  'auth.external_auths.list': {
    filter: (payload, meta) => ({ ...recordEvent(meta.record, meta), externalAuths: payload }),
    read: (e) => e.externalAuths,
  },
  'auth.external_auths.unlink': {
    filter: (payload, meta) => ({ ...recordEvent(meta.record, meta), externalAuth: payload }),
    read: (e) => e.externalAuth,
    action: (meta) => ({
      ...recordEvent(meta.record, meta),
      externalAuth: meta.payload ?? meta.externalAuth,
    }),
  },
  'settings.list': {
    filter: (payload, meta) => ({ ...meta, redactedSettings: payload }),
    read: (e) => e.redactedSettings,
  },
  'settings.update': {
    filter: (payload, meta) => ({ ...meta, newSettings: payload, oldSettings: meta.previous }),
    read: (e) => e.newSettings,
    action: (meta) => ({ ...meta, newSettings: meta.payload ?? meta.settings, oldSettings: meta.previous }),
  },
};

/**
 * Events without a shape of their own (mailer, realtime, files …): `e` carries the meta and,
 * when the payload is an object, its fields (`e.message`, `e.client` …), read back after the
 * handler; any other payload is `e.payload`.
 */
const DEFAULT_SHAPE: Shape = {
  filter: (payload, meta) => {
    const e: PocketBaseEvent = isPlainObject(payload) ? { ...meta, ...payload } : { ...meta, payload };
    if (isPlainObject(e.record)) e.record = pocketbaseRecord(e.record, meta.collection);
    return e;
  },
  read: (e, payload) => {
    if (!isPlainObject(payload)) return e.payload;
    const next: Data = {};
    for (const field of Object.keys(payload)) next[field] = e[field];
    if ('record' in payload) next.record = recordData(e.record);
    return next;
  },
  action: (meta) => {
    const e: PocketBaseEvent = { ...meta };
    if (isPlainObject(e.record)) e.record = pocketbaseRecord(e.record, meta.collection);
    return e;
  },
};

export interface EventAdapter {
  filterEvent(payload: unknown, meta: unknown, ctx: HandlerContext | undefined): PocketBaseEvent;
  /** The payload a filter handler left in `e`. */
  readPayload(e: PocketBaseEvent, payload: unknown, meta: unknown): unknown;
  actionEvent(meta: unknown, ctx: HandlerContext | undefined): PocketBaseEvent;
}

/**
 * The adapter between one catalogue event and PocketBase's `e`. Admin aliases (`onAdmin…`)
 * see the record as `e.admin` (and `e.admins` in lists) as well.
 */
export function eventAdapter(event: string, alias: string): EventAdapter {
  const shape = SHAPES[event] ?? DEFAULT_SHAPE;
  const filter = shape.filter ?? DEFAULT_SHAPE.filter!;
  const read = shape.read ?? DEFAULT_SHAPE.read!;
  const action = shape.action ?? DEFAULT_SHAPE.action!;
  const admin =
    alias.startsWith('onAdmin') ||
    alias.startsWith('onMailerBeforeAdmin') ||
    alias.startsWith('onMailerAfterAdmin');
  const mailer = event.startsWith('mailer.');
  const finish = (e: PocketBaseEvent, meta: Data, ctx: HandlerContext | undefined) => {
    e.httpContext = ctx?.request ?? meta.request;
    // PocketBase's `e.mailClient.send(message)`: the app's mail service.
    if (mailer) e.mailClient = ctx?.services?.mail ?? null;
    if (admin) {
      e.admin = e.record ?? null;
      if (Array.isArray(e.records)) e.admins = e.records;
    }
    return e;
  };
  return {
    filterEvent: (payload, meta, ctx) =>
      finish(filter(payload, (meta ?? {}) as Data), (meta ?? {}) as Data, ctx),
    readPayload: (e, payload, meta) => {
      if (admin && e.admin !== e.record) e.record = e.admin;
      return read(e, payload, (meta ?? {}) as Data);
    },
    actionEvent: (meta, ctx) => finish(action((meta ?? {}) as Data, ctx), (meta ?? {}) as Data, ctx),
  };
}
