import type { Kysely } from 'kysely';
import { CompiledSubscription, type Triple } from './patterns.ts';
import { enabledWebhooks } from './store.ts';

/**
 * The enabled webhooks, kept in memory so that a write nobody subscribes to costs one loop over
 * them and no query. Reloaded after each webhook write made here and periodically (the writes
 * of other instances).
 */
export class WebhookSubscribers {
  #subscriptions: { id: string; subscription: CompiledSubscription }[] = [];
  /** Bumped by each reload, so that an older reload finishing last does not win. */
  #generation = 0;

  get size(): number {
    return this.#subscriptions.length;
  }

  async reload(executor: Kysely<any>): Promise<void> {
    const generation = ++this.#generation;
    const webhooks = await enabledWebhooks(executor);
    if (generation !== this.#generation) return;
    this.#subscriptions = webhooks.map((webhook) => ({
      id: webhook.id,
      subscription: new CompiledSubscription(webhook),
    }));
  }

  /**
   * The ids of the enabled webhooks an event matches; its `triple` is worked out at most once,
   * when some subscription has triples (without it, those match nothing).
   */
  matching(name: string, tags: readonly string[], triple?: () => Triple): string[] {
    let known: Triple | undefined;
    const once = triple
      ? () => {
          known ??= triple();
          return known;
        }
      : undefined;
    const ids: string[] = [];
    for (const { id, subscription } of this.#subscriptions)
      if (subscription.matches(name, tags, once)) ids.push(id);
    return ids;
  }
}
