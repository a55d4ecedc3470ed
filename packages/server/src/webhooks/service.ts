import { randomUUID } from 'node:crypto';
import { InvalidPayloadError, NotFoundError } from '@sluice/hooks';
import type { Core } from '../app/core.ts';
import { inTransaction } from '../app/transaction.ts';
import { announce } from '../cluster/announce.ts';
import { newId } from '../collections/ids.ts';
import type { HookContext } from '../context.ts';
import type { EventRecord } from '../outbox/event-record.ts';
import { insertDeliveries } from '../outbox/recorder.ts';
import { type Delivery, type DeliveryStatus, deliveryFromRow, OUTBOX } from '../outbox/store.ts';
import { formatDate, nowDate } from '../records/dates.ts';
import { runWrite } from '../writes/pipeline.ts';
import type { WriteAction } from '../writes/recorders.ts';
import { type WebhookInput, webhookInput } from './input.ts';
import {
  type Endpoint,
  findEndpoint,
  findWebhook,
  listPage,
  rowFromWebhook,
  WEBHOOKS,
  type Webhook,
  webhookFromRow,
} from './store.ts';
import { WebhookSubscribers } from './subscribers.ts';
import { targetProblem, urlProblem } from './targets.ts';

const MODEL_TAGS = [WEBHOOKS] as const;

/** What actions and recorders carry of a webhook: all but its secret. */
function withoutSecret({ secret: _secret, ...webhook }: Webhook): Omit<Webhook, 'secret'> {
  return webhook;
}

/** `/api/webhooks`: endpoints that committed events are delivered to (docs/webhooks.md). */
export class WebhooksService {
  readonly subscribers = new WebhookSubscribers();
  /** Told when deliveries become due outside a write (a replay), so that they go at once. */
  deliveriesDue: () => void = () => {};

  constructor(private readonly app: Core) {}

  /** `SLUICE_WEBHOOKS_ALLOW_PRIVATE=true`: targets on private and loopback addresses are allowed. */
  get allowPrivate(): boolean {
    return this.app.env.SLUICE_WEBHOOKS_ALLOW_PRIVATE === 'true';
  }

  list(page: { page: number; perPage: number }) {
    return listPage(this.app.database.reader, WEBHOOKS, { plugin: '' }, page, webhookFromRow);
  }

  async view(id: string): Promise<Webhook> {
    const webhook = await findWebhook(this.app.database.reader, id);
    if (!webhook) throw new NotFoundError(`Missing webhook "${id}".`);
    return webhook;
  }

  /** A webhook's (or a plugin hook's) deliveries, oldest first, of one status if given. */
  deliveries(id: string, page: { page: number; perPage: number }, status?: DeliveryStatus) {
    return listPage(
      this.app.database.reader,
      OUTBOX,
      status ? { webhook: id, status } : { webhook: id },
      page,
      deliveryFromRow,
    );
  }

  /** Sends a delivery again, now, whatever became of it; its earlier attempts are kept. */
  async replay(id: string, deliveryId: string): Promise<Delivery> {
    const db = this.app.database.db;
    const updated = await db
      .updateTable(OUTBOX)
      .set({ status: 'pending', nextAttemptAt: nowDate(), updated: nowDate() })
      .where('id', '=', deliveryId)
      .where('webhook', '=', id)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n)
      throw new NotFoundError(`Missing delivery "${deliveryId}" of webhook "${id}".`);
    this.deliveriesDue();
    const row = await db
      .selectFrom(OUTBOX)
      .selectAll()
      .where('id', '=', deliveryId)
      .executeTakeFirstOrThrow();
    return deliveryFromRow(row);
  }

  /** Sends again, now, every delivery of the webhook that failed and was made at `since` or later. */
  async recover(id: string, since: unknown): Promise<{ replayed: number }> {
    const from = typeof since === 'string' ? new Date(since) : undefined;
    if (!from || Number.isNaN(from.getTime()))
      throw new InvalidPayloadError('Invalid since.', {
        since: { code: 'validation_invalid_date', message: 'Must be a date (ISO 8601).' },
      });
    await this.view(id);
    const updated = await this.app.database.db
      .updateTable(OUTBOX)
      .set({ status: 'pending', nextAttemptAt: nowDate(), updated: nowDate() })
      .where('webhook', '=', id)
      .where('status', '=', 'failed')
      .where('created', '>=', formatDate(from))
      .executeTakeFirst();
    this.deliveriesDue();
    return { replayed: Number(updated.numUpdatedRows) };
  }

  /** Queues a `webhooks.test` event to the webhook alone, sent like any delivery. */
  async test(id: string, ctx: HookContext): Promise<Delivery> {
    const webhook = await this.view(id);
    const event: EventRecord = {
      id: randomUUID(),
      time: new Date().toISOString(),
      source: 'webhooks',
      kind: 'webhooks',
      eventName: 'test',
      name: 'webhooks.test',
      tags: [],
      user: ctx.accountability.user,
      metadata: { webhook: webhook.id, url: webhook.url },
    };
    await insertDeliveries(this.app.database.db, event, [webhook.id]);
    this.deliveriesDue();
    const row = await this.app.database.db
      .selectFrom(OUTBOX)
      .selectAll()
      .where('eventId', '=', event.id)
      .executeTakeFirstOrThrow();
    return deliveryFromRow(row);
  }

  async create(body: Record<string, unknown>, ctx: HookContext): Promise<Webhook> {
    const checked = await this.#checkTarget(body);
    return this.changed(await inTransaction(this.app, ctx, (tx) => this.#insert(tx, body, checked, '')));
  }

  async update(id: string, body: Record<string, unknown>, ctx: HookContext): Promise<Webhook> {
    const checked = await this.#checkTarget(body);
    return this.changed(
      await inTransaction(this.app, ctx, async (tx) => {
        const current = await findWebhook(tx.database, id);
        if (!current) throw new NotFoundError(`Missing webhook "${id}".`);
        return this.#modify(tx, { webhook: current, plugin: '' }, body, checked);
      }),
    );
  }

  /**
   * Creates or changes a plugin's hook: a webhook row of its own (id the plugin's), whose
   * deliveries go through the same outbox. Its URL is the plugin's word: a superuser trusted the
   * plugin with its key, so private addresses are allowed.
   */
  async saveHook(
    plugin: { id: string; secret: string },
    hook: { url: string; events: string[] },
    ctx: HookContext,
    { reload = true }: { reload?: boolean } = {},
  ): Promise<Webhook> {
    const body = { url: hook.url, events: hook.events, secret: plugin.secret, enabled: true };
    const trusted = (url: string) => urlProblem(url, true);
    const saved = await inTransaction(this.app, ctx, async (tx) => {
      const current = await findEndpoint(tx.database, plugin.id);
      if (current) return this.#modify(tx, current, body, trusted);
      return this.#insert(tx, body, trusted, plugin.id);
    });
    return reload ? this.changed(saved) : saved;
  }

  /** Stops sending to an endpoint (it answered `410 Gone`), webhook or plugin hook alike. */
  async disable(id: string, ctx: HookContext): Promise<void> {
    await this.changed(
      await inTransaction(this.app, ctx, async (tx) => {
        const current = await findEndpoint(tx.database, id);
        if (current) await this.#modify(tx, current, { enabled: false }, (url) => urlProblem(url, true));
      }),
    );
  }

  /** Removes the webhook and the deliveries it still has. */
  async delete(id: string, ctx: HookContext): Promise<void> {
    await inTransaction(this.app, ctx, async (tx) => {
      const current = await findWebhook(tx.database, id);
      if (!current) throw new NotFoundError(`Missing webhook "${id}".`);
      await this.removeEndpoint(tx, current);
    });
    await this.changed(undefined);
  }

  /** Deletes an endpoint and its deliveries inside `tx` (a webhook, or a plugin's hook with its plugin). */
  async removeEndpoint(tx: HookContext, current: Webhook): Promise<void> {
    await runWrite(this.app, tx, {
      context: 'webhooks',
      action: 'delete',
      table: WEBHOOKS,
      tags: [],
      modelTags: MODEL_TAGS,
      meta: { collection: WEBHOOKS },
      input: [current.id],
      // the model filter gets the row, as a record's does
      prepare: () => withoutSecret(current),
      store: async () => {
        await tx.database.deleteFrom(OUTBOX).where('webhook', '=', current.id).execute();
        await tx.database.deleteFrom(WEBHOOKS).where('id', '=', current.id).execute();
      },
      outcome: (_stored, keys) => ({ record: withoutSecret(current), payload: keys, keys }),
    });
  }

  /**
   * The target check of a body's URL, its host resolved before the write's transaction opens
   * (a DNS lookup inside it would hold the SQLite writer): a URL a filter then changes is checked
   * again, inside.
   */
  async #checkTarget(body: Record<string, unknown>): Promise<(url: string) => Promise<string | undefined>> {
    const given = body.url;
    const problem = typeof given === 'string' ? await targetProblem(given, this.allowPrivate) : undefined;
    return async (url) => (url === given ? problem : targetProblem(url, this.allowPrivate));
  }

  #insert(
    tx: HookContext,
    body: Record<string, unknown>,
    targetCheck: (url: string) => string | undefined | Promise<string | undefined>,
    plugin: string,
  ): Promise<Webhook> {
    return this.#write(tx, 'create', body, undefined, targetCheck, async (input) => {
      const now = nowDate();
      const webhook: Webhook = { id: plugin || newId(), ...input, created: now, updated: now };
      await tx.database.insertInto(WEBHOOKS).values(rowFromWebhook(webhook, plugin)).execute();
      return webhook;
    });
  }

  #modify(
    tx: HookContext,
    { webhook: current, plugin }: Endpoint,
    body: Record<string, unknown>,
    targetCheck: (url: string) => string | undefined | Promise<string | undefined>,
  ): Promise<Webhook> {
    return this.#write(tx, 'update', body, current, targetCheck, async (input) => {
      const webhook: Webhook = { ...current, ...input, updated: nowDate() };
      await tx.database
        .updateTable(WEBHOOKS)
        .set(rowFromWebhook(webhook, plugin))
        .where('id', '=', current.id)
        .execute();
      return webhook;
    });
  }

  #write(
    tx: HookContext,
    action: Exclude<WriteAction, 'delete'>,
    body: Record<string, unknown>,
    current: Webhook | undefined,
    targetCheck: (url: string) => string | undefined | Promise<string | undefined>,
    store: (input: WebhookInput) => Promise<Webhook>,
  ): Promise<Webhook> {
    return runWrite(this.app, tx, {
      context: 'webhooks',
      action,
      table: WEBHOOKS,
      tags: [],
      modelTags: MODEL_TAGS,
      meta: current ? { collection: WEBHOOKS, keys: [current.id] } : { collection: WEBHOOKS },
      input: body,
      prepare: (input) => webhookInput(this.app.catalogue, input, current, targetCheck),
      store,
      outcome: (webhook, input) => ({
        record: withoutSecret(webhook),
        payload: withoutSecret({ secret: '', ...(input as Partial<Webhook>) } as Webhook),
        keys: [webhook.id],
        previous: current && withoutSecret(current),
      }),
    });
  }

  /** Refreshes the webhooks writes are matched against, here and on the other instances. */
  async changed<T>(result: T): Promise<T> {
    await this.subscribers.reload(this.app.database.db);
    await announce(this.app, 'webhooks');
    return result;
  }
}
