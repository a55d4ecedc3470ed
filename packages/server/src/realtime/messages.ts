import { grantsOf } from '../access/grants.ts';
import type { App } from '../app/types.ts';
import type { Collection } from '../collections/types.ts';
import type { FieldSelection } from '../filter/index.ts';
import { pickFields } from '../filter/index.ts';
import { decodeRecord } from '../records/encoding.ts';
import { enriching, enrichRecord } from '../records/enrich.ts';
import { expandRecords } from '../records/expand.ts';
import { recordTags } from '../records/operations/events.ts';
import { isOwnRecord, permittedFieldsOf, withPermittedFields } from '../records/rules.ts';
import type { RecordChange } from './broker.ts';
import { frameLength, type Outgoing, type RealtimeClient, type Slot } from './client.ts';
import { MeasuredRecord } from './shapes.ts';
import type { Subscription } from './subscriptions.ts';
import { rowMatches, rowTable, visibilityCondition, visibilityKey } from './visibility.ts';

/** `{"action":"create","record":…}` around the record: every action has six letters. */
const ENVELOPE = JSON.stringify({ action: 'create', record: null }).length - 'null'.length;

interface Shape {
  data: unknown;
  /** The data's JSON length, when the estimate could not know it (`expand`). */
  length?: number;
}

/**
 * The messages of one change to the clients whose subscriptions match it, sharing the work: one
 * rule check per distinct (auth, rule, filter), one decoded record per way of seeing it, one
 * message per distinct shape (`fields`, `expand`) — built only once a client that may see it has
 * room for it, and kept by this object only while the change fans out.
 */
export class ChangeMessages {
  readonly #checks = new Map<string, Promise<boolean>>();
  readonly #views = new Map<string, MeasuredRecord>();
  readonly #shapes = new Map<string, Promise<Shape>>();
  readonly #table;
  readonly #tags: readonly string[];

  constructor(
    private readonly app: App,
    private readonly collection: Collection,
    private readonly change: RecordChange,
  ) {
    this.#table = change.row ? rowTable(collection, change.row, app.database.dialect) : undefined;
    this.#tags = recordTags(collection);
  }

  /**
   * Queues the client's messages of this change. Each counts against the client's byte budget
   * before it is built, and they are made one after another: a client past its budget is dropped
   * before anything more is built for it. Resolves once all are made.
   */
  queue(client: RealtimeClient, subscriptions: Subscription[]): Promise<void> {
    let previous: Promise<unknown> = Promise.resolve();
    for (const subscription of subscriptions) {
      const { measured } = this.#view(client);
      const bytes = frameLength(
        client.id,
        subscription.topic,
        ENVELOPE + measured.sizeOf(subscription.fields),
      );
      const slot = { bytes } as Slot;
      slot.message = previous.then(() => this.#make(client, subscription, slot));
      if (!client.enqueue(slot)) break;
      previous = slot.message;
    }
    return previous.then(() => undefined);
  }

  async #make(client: RealtimeClient, subscription: Subscription, slot: Slot): Promise<Outgoing | null> {
    try {
      if (client.closed || !(await this.#visible(client, subscription)) || client.closed) {
        client.resize(slot, 0);
        return null;
      }
      const { data, length } = await this.#shape(client, subscription);
      if (length !== undefined) client.resize(slot, frameLength(client.id, subscription.topic, length));
      return client.closed ? null : { name: subscription.topic, data, tags: this.#tags };
    } catch (error) {
      this.app.logger.debug({ err: error, topic: subscription.topic }, 'Realtime message skipped.');
      client.resize(slot, 0);
      return null;
    }
  }

  #visible(client: RealtimeClient, subscription: Subscription): Promise<boolean> {
    const who = client.accountability;
    const { database, schema } = this.app;
    if (!this.#table) return Promise.resolve(who.admin && this.change.record !== undefined);
    const key = `${client.authKey}\0${who.admin}\0${visibilityKey(this.collection, subscription)}`;
    let check = this.#checks.get(key);
    if (!check) {
      const table = this.#table;
      check = (async () => {
        const getCollection = (idOrName: string) => schema.get(idOrName);
        const action = subscription.recordId === '*' ? 'list' : 'view';
        const grants = grantsOf(schema).grantsFor(who, this.collection.name, action);
        const condition = visibilityCondition(
          this.collection,
          subscription,
          who,
          database.dialect,
          getCollection,
          grants.map((grant) => grant.rule),
        );
        if (condition === false) return false;
        if (condition === undefined) return true;
        return rowMatches(database.reader, table, condition);
      })();
      check.catch(() => {});
      this.#checks.set(key, check);
    }
    return check;
  }

  /** The record as this client sees it: superuser or not, its own auth record (email) or not. */
  #view(client: RealtimeClient): { key: string; measured: MeasuredRecord } {
    const who = client.accountability;
    const { row, record: written } = this.change;
    const showEmail = row ? isOwnRecord(this.collection, row, who) : true;
    const key = `${who.admin}\0${showEmail}`;
    let measured = this.#views.get(key);
    if (!measured) {
      measured = new MeasuredRecord(
        row ? decodeRecord(this.collection, row, { isAdmin: who.admin, showEmail }) : { ...written! },
      );
      this.#views.set(key, measured);
    }
    return { key, measured };
  }

  #shape(client: RealtimeClient, subscription: Subscription): Promise<Shape> {
    const { key: view, measured } = this.#view(client);
    const expand = subscription.query.expand ?? '';
    const fields = subscription.fields;
    const rule = subscription.recordId === '*' ? 'listRule' : 'viewRule';
    const permitted = permittedFieldsOf(this.collection, rule, client.accountability, this.app.schema);
    // expanded relations depend on what this client may view; enriched records on who it is
    const perClient = expand !== '' || enriching(this.app);
    const key = `${view}\0${perClient ? client.authKey : ''}\0${expand}\0${measured.shapeOf(fields, expand !== '')}\0${permitted ? [...permitted].join(',') : '*'}`;
    let shape = this.#shapes.get(key);
    if (!shape) {
      shape = this.#build(measured, client, expand, fields, permitted);
      shape.catch(() => {});
      this.#shapes.set(key, shape);
    }
    return shape;
  }

  async #build(
    measured: MeasuredRecord,
    client: RealtimeClient,
    expand: string,
    fields: FieldSelection | null,
    permitted: ReadonlySet<string> | undefined,
  ): Promise<Shape> {
    let record = withPermittedFields(measured.record, permitted);
    const enrich = enriching(this.app);
    const ctx = expand || enrich ? this.app.context({ accountability: client.accountability }) : undefined;
    if (expand) {
      record = { ...record };
      await expandRecords(this.app.database, this.collection, [record], expand, ctx!);
    }
    const enriched = enrich
      ? await enrichRecord(this.app, this.collection, record, 'realtime', ctx!)
      : record;
    const data = { action: this.change.action, record: pickFields(enriched, fields) };
    // the estimate counted every field: the trimmed message is measured
    const measure = expand || permitted || enriched !== record;
    return { data, length: measure ? JSON.stringify(data).length : undefined };
  }
}
