import { NotFoundError } from '@sluice/hooks';
import type { Core } from '../app/core.ts';
import { inTransaction } from '../app/transaction.ts';
import { announce } from '../cluster/announce.ts';
import { newId } from '../collections/ids.ts';
import type { HookContext } from '../context.ts';
import { type Delivery, type DeliveryStatus, deliveryFromRow, OUTBOX } from '../outbox/store.ts';
import { nowDate } from '../records/dates.ts';
import { runWrite } from '../writes/pipeline.ts';
import type { WriteAction } from '../writes/recorders.ts';
import { webhookInput } from './input.ts';
import { findWebhook, listPage, rowFromWebhook, WEBHOOKS, type Webhook, webhookFromRow } from './store.ts';
import { WebhookSubscribers } from './subscribers.ts';

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
    return listPage(this.app.database.reader, WEBHOOKS, {}, page, webhookFromRow);
  }

  async view(id: string): Promise<Webhook> {
    const webhook = await findWebhook(this.app.database.reader, id);
    if (!webhook) throw new NotFoundError(`Missing webhook "${id}".`);
    return webhook;
  }

  /** A webhook's deliveries, oldest first, of one status if given. */
  async deliveries(id: string, page: { page: number; perPage: number }, status?: DeliveryStatus) {
    await this.view(id);
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

  async create(body: Record<string, unknown>, ctx: HookContext): Promise<Webhook> {
    return this.#changed(
      await inTransaction(this.app, ctx, (tx) =>
        this.#write(tx, 'create', body, undefined, async (input) => {
          const now = nowDate();
          const webhook: Webhook = { id: newId(), ...input, created: now, updated: now };
          await tx.database.insertInto(WEBHOOKS).values(rowFromWebhook(webhook)).execute();
          return webhook;
        }),
      ),
    );
  }

  async update(id: string, body: Record<string, unknown>, ctx: HookContext): Promise<Webhook> {
    return this.#changed(
      await inTransaction(this.app, ctx, async (tx) => {
        const current = await this.#find(tx, id);
        return this.#write(tx, 'update', body, current, async (input) => {
          const webhook: Webhook = { ...current, ...input, updated: nowDate() };
          await tx.database.updateTable(WEBHOOKS).set(rowFromWebhook(webhook)).where('id', '=', id).execute();
          return webhook;
        });
      }),
    );
  }

  /** Removes the webhook and the deliveries it still has. */
  async delete(id: string, ctx: HookContext): Promise<void> {
    await inTransaction(this.app, ctx, async (tx) => {
      const current = await this.#find(tx, id);
      await runWrite(this.app, tx, {
        context: 'webhooks',
        action: 'delete',
        table: WEBHOOKS,
        tags: [],
        modelTags: MODEL_TAGS,
        meta: { collection: WEBHOOKS },
        input: [id],
        prepare: () => withoutSecret(current),
        store: async () => {
          await tx.database.deleteFrom(OUTBOX).where('webhook', '=', id).execute();
          await tx.database.deleteFrom(WEBHOOKS).where('id', '=', id).execute();
        },
        outcome: (_stored, keys) => ({ record: withoutSecret(current), payload: keys, keys }),
      });
    });
    await this.#changed(undefined);
  }

  async #find(tx: HookContext, id: string): Promise<Webhook> {
    const webhook = await findWebhook(tx.database, id);
    if (!webhook) throw new NotFoundError(`Missing webhook "${id}".`);
    return webhook;
  }

  #write(
    tx: HookContext,
    action: Exclude<WriteAction, 'delete'>,
    body: Record<string, unknown>,
    current: Webhook | undefined,
    store: (input: Awaited<ReturnType<typeof webhookInput>>) => Promise<Webhook>,
  ): Promise<Webhook> {
    return runWrite(this.app, tx, {
      context: 'webhooks',
      action,
      table: WEBHOOKS,
      tags: [],
      modelTags: MODEL_TAGS,
      meta: current ? { collection: WEBHOOKS, keys: [current.id] } : { collection: WEBHOOKS },
      input: body,
      prepare: (input) => webhookInput(this.app.catalogue, input, current, this.allowPrivate),
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
  async #changed<T>(result: T): Promise<T> {
    await this.subscribers.reload(this.app.database.db);
    await announce(this.app, 'webhooks');
    return result;
  }
}
