import { randomBytes } from 'node:crypto';
import {
  ForbiddenError,
  InvalidPayloadError,
  isStopped,
  NotFoundError,
  OperationSkipped,
  type Point,
  UnauthorizedError,
  type Unregister,
} from '@sluice/hooks';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { grantsOf } from '../access/grants.ts';
import type { App } from '../app/types.ts';
import { SUPERUSERS } from '../auth/accountability.ts';
import { verifyAuthToken } from '../auth/tokens.ts';
import type { RealtimeMessage, RealtimeMeta, RecordDeleteMeta } from '../catalogue/events.ts';
import type { Collection } from '../collections/types.ts';
import type { Accountability, HookContext } from '../context.ts';
import { decodeRecord } from '../records/encoding.ts';
import { findRecordById, type RecordRow } from '../records/store.ts';
import type { RealtimeBroker, RecordChange } from './broker.ts';
import { authKeyOf, frameLength, type Outgoing, RealtimeClient, sseFrame } from './client.ts';
import { ChangeMessages } from './messages.ts';
import {
  invalidSubscription,
  parseSubscriptions,
  type Subscription,
  subscriptionList,
} from './subscriptions.ts';
import { checkSubscriptionFilter } from './visibility.ts';

export const OWNER = 'system:realtime';

export interface RealtimeOptions {
  /** Closes a connection without subscriptions after this long without a message (ms). */
  idleTimeout: number;
  /** Messages a client may have waiting before it is dropped. */
  maxQueue: number;
  /** Bytes of messages a client may have waiting before it is dropped (one message may be larger). */
  maxQueueBytes: number;
  /** Topics one client may subscribe to. */
  maxSubscriptions: number;
  /** Distinct `options` among one client's topics. */
  maxOptions: number;
  /** How often an SSE comment keeps quiet connections open through proxies (ms). */
  keepAlive: number;
}

/** Rows of records being deleted, read inside the delete's transaction (see `start`). */
const DELETED_ROWS = Symbol('realtime.deletedRows');

const NO_TAGS: readonly string[] = Object.freeze([]);

/** Topics that are no collection: `@oauth2` carries the OAuth2 popup flow's redirect. */
const SYSTEM_TOPICS = new Set(['@oauth2']);

/**
 * The realtime clients of this instance and the fan-out of record changes to them, PocketBase's
 * protocol: `GET /api/realtime` opens the stream (`PB_CONNECT`), `POST /api/realtime` sets its
 * subscriptions, and every committed create, update and delete reaches the clients whose
 * subscription matches and whose rules let them see the record.
 */
export class Realtime {
  readonly clients = new Map<string, RealtimeClient>();
  /** Clients by subscription target (collection name or id, as they wrote it). */
  readonly #byTarget = new Map<string, Set<RealtimeClient>>();
  readonly #unregister: Unregister[] = [];
  #keepAlive: NodeJS.Timeout | undefined;
  readonly #message: Point<
    RealtimeMessage,
    RealtimeMeta,
    RealtimeMeta & { message: RealtimeMessage },
    HookContext
  >;
  /** The JSON of each message data object, shared by the clients that get the same one. */
  readonly #json = new WeakMap<object, string>();
  readonly #delivery = {
    send: (client: RealtimeClient, message: Outgoing) => this.#send(client, message),
    closed: (client: RealtimeClient) => this.#closed(client),
  };

  constructor(
    private readonly app: App,
    private readonly broker: RealtimeBroker,
    private readonly options: RealtimeOptions,
  ) {
    this.#message = app.hooks.event('realtime.message');
  }

  /**
   * Hooks the fan-out to record writes: actions, so a change is sent only once committed and
   * never after a rollback. A delete's row is read by a filter, inside its transaction before the
   * row goes, so the rules can still be checked against it afterwards.
   */
  start(): void {
    const hooks = this.app.hooks;
    const options = { owner: OWNER };
    this.#unregister.push(
      hooks.action('records.create', (meta) => this.#changed('create', meta.collectionId, meta.key), options),
      hooks.action(
        'records.update',
        (meta) => this.#changed('update', meta.collectionId, meta.keys[0]),
        options,
      ),
      hooks.action(
        'records.delete',
        (meta, ctx) => this.#deleted(meta as RecordDeleteMeta & { keys: string[] }, ctx),
        options,
      ),
      hooks.filter('records.delete', (_payload, meta, ctx) => this.#readDeleted(meta, ctx), {
        ...options,
        // first, so that no other filter stopping the chain keeps it from running
        priority: -1_000_000,
      }),
      this.broker.onEvent((change) => this.#fanOut(change)),
      grantsOf(this.app.schema).onReload(() => {
        for (const client of this.clients.values()) this.#derive(client, client.accountability.record);
      }),
    );
    this.#keepAlive = setInterval(() => {
      for (const client of this.clients.values()) {
        if (!client.response.writableNeedDrain) void client.write(':\n\n');
      }
    }, this.options.keepAlive);
    this.#keepAlive.unref();
  }

  async close(): Promise<void> {
    for (const unregister of this.#unregister.splice(0)) unregister();
    clearInterval(this.#keepAlive);
    for (const client of [...this.clients.values()]) client.close();
    await this.broker.close();
  }

  // ── connections ─────────────────────────────────────────────────────────

  /** `GET /api/realtime`: refused by a throwing `realtime.connect` filter, else streams. */
  async connect(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const id = randomBytes(30).toString('base64url');
    const ctx = this.app.context({ accountability: request.accountability, request, reply });
    const meta: RealtimeMeta = { event: 'realtime.connect', clientId: id, auth: null };
    let connect = { clientId: id, idleTimeout: this.options.idleTimeout };
    const outcome = await this.app.hooks.runFilter('realtime.connect', connect, meta, ctx);
    connect = isStopped(outcome) ? outcome.payload : outcome;

    reply.hijack();
    const response = reply.raw;
    // the headers set before the hijack (CORS, the protective ones) go out with the stream's
    for (const [name, value] of Object.entries(reply.getHeaders()))
      if (value !== undefined) response.setHeader(name, value);
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    response.flushHeaders();
    request.raw.socket.setNoDelay(true);
    const client = new RealtimeClient(
      id,
      request,
      response,
      // as in PocketBase, the client is bound to an auth by its first `POST /api/realtime`
      { user: null, collection: null, admin: false, record: null, ip: request.ip },
      this.#delivery,
      { maxQueue: this.options.maxQueue, maxBytes: this.options.maxQueueBytes },
      Number(connect.idleTimeout),
    );
    this.clients.set(id, client);
    const data = { clientId: id };
    client.enqueue({
      message: {
        name: 'PB_CONNECT',
        data,
        tags: NO_TAGS,
        onSettled: () => this.app.hooks.runAction('realtime.connect', meta, ctx),
      },
      bytes: frameLength(id, 'PB_CONNECT', JSON.stringify(data).length),
    });
  }

  /** `POST /api/realtime`: replaces the client's subscriptions and binds it to the caller's auth. */
  async subscribe(request: FastifyRequest, body: Record<string, unknown>): Promise<void> {
    const clientId = body.clientId;
    if (typeof clientId !== 'string' || clientId === '' || clientId.length > 255) {
      throw new InvalidPayloadError('Failed to set the subscriptions.', {
        clientId: { code: 'validation_required', message: 'Missing or invalid client id.' },
      });
    }
    const { maxSubscriptions, maxOptions } = this.options;
    let topics = subscriptionList(body.subscriptions, maxSubscriptions);
    const client = this.clients.get(clientId);
    if (!client || client.closed) throw new NotFoundError('Missing or invalid client id.');
    const who = request.accountability;
    if (client.authKey !== '' && client.authKey !== authKeyOf(who)) {
      throw new ForbiddenError("The current and the previous request authorization don't match.");
    }
    const ctx = this.app.context({ accountability: who, request });
    const meta = {
      event: 'realtime.subscribe',
      clientId,
      auth: who.record,
      previous: [...client.subscriptions.keys()],
    };
    const outcome = await this.app.hooks.runFilter('realtime.subscribe', topics, meta, ctx);
    topics = subscriptionList(isStopped(outcome) ? outcome.payload : outcome, maxSubscriptions);
    const parsed = parseSubscriptions(topics, maxOptions);
    for (const subscription of parsed) this.#check(subscription, who);
    const tokenKey = await this.#tokenKeyOf(request, who);
    if (client.closed) throw new NotFoundError('Missing or invalid client id.');

    this.#unindex(client);
    client.accountability = who;
    client.tokenKey = tokenKey;
    client.subscriptions = new Map(parsed.map((subscription) => [subscription.topic, subscription]));
    this.#index(client);
    client.touch();
    this.app.hooks.runAction('realtime.subscribe', { ...meta, subscriptions: topics }, ctx);
  }

  /**
   * Refuses a subscription that could never get a message: its collection is unknown, or its
   * `filter` option does not compile for this client.
   */
  #check(subscription: Subscription, who: Accountability): void {
    if (SYSTEM_TOPICS.has(subscription.topic)) return;
    const { schema } = this.app;
    const collection = schema.get(subscription.target);
    if (!collection)
      throw invalidSubscription(
        subscription.topic,
        `unknown collection ${JSON.stringify(subscription.target)}.`,
      );
    try {
      checkSubscriptionFilter(collection, subscription, who, this.app.database.dialect, (idOrName) =>
        schema.get(idOrName),
      );
    } catch (error) {
      if (error instanceof InvalidPayloadError) throw invalidSubscription(subscription.topic, error.message);
      throw error;
    }
  }

  /**
   * The tokenKey the caller's token is signed with, as stored now: the client is bound to it (see
   * `#followAuth`), and a token revoked since the request began is refused.
   */
  async #tokenKeyOf(request: FastifyRequest, who: Accountability): Promise<string | undefined> {
    if (who.user === null) return undefined;
    const collection = this.app.schema.get(who.collection ?? '');
    const row = collection && (await findRecordById(this.app.database.reader, collection, who.user));
    if (!row) throw new UnauthorizedError('The token is invalid.');
    const header = request.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : header.trim();
    await verifyAuthToken(this.app.secret(), token, String(row.tokenKey));
    return String(row.tokenKey);
  }

  #index(client: RealtimeClient): void {
    for (const { target } of client.subscriptions.values()) {
      const set = this.#byTarget.get(target) ?? new Set<RealtimeClient>();
      this.#byTarget.set(target, set);
      set.add(client);
    }
  }

  #unindex(client: RealtimeClient): void {
    for (const { target } of client.subscriptions.values()) {
      const set = this.#byTarget.get(target);
      set?.delete(client);
      if (set?.size === 0) this.#byTarget.delete(target);
    }
  }

  #closed(client: RealtimeClient): void {
    if (this.clients.get(client.id) !== client) return;
    this.clients.delete(client.id);
    this.#unindex(client);
    const meta: RealtimeMeta = {
      event: 'realtime.disconnect',
      clientId: client.id,
      auth: client.accountability.record,
    };
    this.app.hooks.runAction(
      'realtime.disconnect',
      meta,
      this.app.context({ accountability: client.accountability, request: client.request }),
    );
  }

  /**
   * Sends one message on a system topic to the client with that id, if it is connected to this
   * instance from `ip` and subscribed to the topic, then ends that subscription (PocketBase's
   * OAuth2 redirect). Answers whether it was queued.
   */
  sendOnce(clientId: string, topic: string, data: Record<string, unknown>, ip: string): boolean {
    const client = this.clients.get(clientId);
    if (!client || client.closed || !client.subscriptions.has(topic) || client.request.ip !== ip)
      return false;
    this.#unindex(client);
    client.subscriptions.delete(topic);
    this.#index(client);
    client.enqueue({
      message: { name: topic, data, tags: NO_TAGS },
      bytes: frameLength(client.id, topic, JSON.stringify(data).length),
    });
    return true;
  }

  // ── messages ────────────────────────────────────────────────────────────

  /** `realtime.message` filter → write → action; a throwing filter closes the connection. */
  async #send(client: RealtimeClient, outgoing: Outgoing): Promise<void> {
    let message: RealtimeMessage = { name: outgoing.name, data: outgoing.data };
    const meta: RealtimeMeta = {
      event: 'realtime.message',
      clientId: client.id,
      auth: client.accountability.record,
    };
    const ctx = this.app.context({ accountability: client.accountability, request: client.request });
    if (this.#message.listens('filter')) {
      try {
        let outcome = this.#message.filter(message, meta, ctx, outgoing.tags);
        if (outcome instanceof Promise) outcome = await outcome;
        if (isStopped(outcome)) {
          outgoing.onSettled?.();
          return;
        }
        message = outcome;
      } catch (error) {
        // an around handler that did not call next(): this message is not sent
        if (error instanceof OperationSkipped) {
          outgoing.onSettled?.();
          return;
        }
        client.close();
        return;
      }
    }
    if (client.closed) return;
    const drained = client.write(sseFrame(client.id, message.name, this.#serialize(message.data)));
    client.touch();
    outgoing.onSettled?.();
    if (this.#message.listens('action')) this.#message.action({ ...meta, message }, ctx, outgoing.tags);
    if (drained) await drained;
  }

  #serialize(data: unknown): string {
    if (data === null || typeof data !== 'object') return JSON.stringify(data) ?? 'null';
    let json = this.#json.get(data);
    if (json === undefined) {
      json = JSON.stringify(data);
      this.#json.set(data, json);
    }
    return json;
  }

  // ── fan-out ─────────────────────────────────────────────────────────────

  /** Whether a change of this collection may concern anyone listening. */
  #concerns(collection: Collection): boolean {
    if (!this.broker.local) return true;
    if (this.#byTarget.has(collection.name) || this.#byTarget.has(collection.id)) return true;
    // clients signed in with a record of it follow its changes (see `#followAuth`)
    return collection.type === 'auth' && this.clients.size > 0;
  }

  #changed(action: 'create' | 'update', collectionId: string, id: string): Promise<void> | undefined {
    const collection = this.app.schema.get(collectionId);
    if (!collection || !this.#concerns(collection)) return undefined;
    return (async () => {
      const row = await findRecordById(this.app.database.reader, collection, id);
      if (row) await this.broker.publish({ action, collectionId: collection.id, id, row });
    })();
  }

  #readDeleted(
    meta: RecordDeleteMeta & { keys: string[] },
    ctx: HookContext,
  ): Promise<undefined> | undefined {
    const collection = this.app.schema.get(meta.collectionId);
    if (!collection || !this.#concerns(collection)) return undefined;
    const id = meta.keys[0];
    return (async () => {
      const row = await findRecordById(ctx.database, collection, id);
      if (!row) return undefined;
      const state = ctx.state as Record<symbol, Map<string, RecordRow> | undefined>;
      const rows = state[DELETED_ROWS] ?? new Map<string, RecordRow>();
      state[DELETED_ROWS] = rows;
      rows.set(`${collection.id}/${id}`, row);
      return undefined;
    })();
  }

  #deleted(meta: RecordDeleteMeta & { keys: string[] }, ctx: HookContext): Promise<void> | undefined {
    const collection = this.app.schema.get(meta.collectionId);
    if (!collection || !this.#concerns(collection)) return undefined;
    const id = meta.keys[0];
    const rows = (ctx.state as Record<symbol, Map<string, RecordRow> | undefined>)[DELETED_ROWS];
    // Without the stored row (its filter did not run), rules cannot be checked: the change then
    // goes to superusers only, as the record the writer saw.
    const row = rows?.get(`${collection.id}/${id}`);
    if (row) return this.broker.publish({ action: 'delete', collectionId: collection.id, id, row });
    return this.broker.publish({
      action: 'delete',
      collectionId: collection.id,
      id,
      row: null,
      record: meta.record ?? undefined,
    });
  }

  /** A change heard from the broker: queue its messages, in order, for each concerned client. */
  #fanOut(change: RecordChange): Promise<void> | undefined {
    const collection = this.app.schema.get(change.collectionId);
    if (!collection) return undefined;
    if (collection.type === 'auth') this.#followAuth(collection, change);
    const matching = new Map<RealtimeClient, Subscription[]>();
    for (const target of collection.id === collection.name
      ? [collection.id]
      : [collection.name, collection.id]) {
      const clients = this.#byTarget.get(target);
      if (!clients) continue;
      for (const client of clients) {
        for (const subscription of client.subscriptions.values()) {
          if (subscription.target !== target) continue;
          if (subscription.recordId === '*' || subscription.recordId === change.id) {
            const subscriptions = matching.get(client) ?? [];
            matching.set(client, subscriptions);
            subscriptions.push(subscription);
          }
        }
      }
    }
    if (matching.size === 0) return undefined;
    const messages = new ChangeMessages(this.app, collection, change);
    const queued = [...matching].map(([client, subscriptions]) => messages.queue(client, subscriptions));
    return Promise.all(queued).then(() => undefined);
  }

  /**
   * Clients signed in as a record follow it, as in PocketBase: an update refreshes what
   * `@request.auth` reads and the roles it holds. A delete ends their connection, and so does a new tokenKey (a new
   * password revokes every token): ended rather than turned into guests, so that they notice —
   * the SDKs reconnect and subscribe again with the auth they hold now.
   */
  #followAuth(collection: Collection, change: RecordChange): void {
    for (const client of this.clients.values()) {
      const who = client.accountability;
      if (who.user !== change.id || who.collection !== collection.name) continue;
      const { row } = change;
      if (change.action === 'delete' || !row || String(row.tokenKey) !== client.tokenKey) client.close();
      else this.#derive(client, decodeRecord(collection, row, { isAdmin: true }));
    }
  }

  /**
   * The client's accountability from its record: admin access comes from its roles, so it is
   * derived again when the record or the roles change.
   */
  #derive(client: RealtimeClient, record: Accountability['record']): void {
    const who = client.accountability;
    if (!record) return;
    client.accountability = grantsOf(this.app.schema).withRoles({
      ...who,
      admin: who.collection === SUPERUSERS,
      record,
    });
  }
}
