import type { Logger } from 'pino';
import type { RealtimeBroker, RecordChange } from '../realtime/broker.ts';
import type { Cluster } from './types.ts';

export const REALTIME_CHANNEL = 'realtime';

type Handler = (change: RecordChange) => Promise<void> | void;

/**
 * Realtime between instances: a change committed here goes to this instance's clients at once
 * and to the other instances through the cluster; each instance checks the rules for the
 * clients it holds.
 */
export class ClusterBroker implements RealtimeBroker {
  readonly local = false;
  readonly #handlers = new Set<Handler>();
  #unsubscribe: (() => Promise<void>) | undefined;

  constructor(
    private readonly cluster: Cluster,
    private readonly logger: Logger,
    /** What a change heard from another instance waits for first (a schema reload under way). */
    private readonly before: () => Promise<void> | undefined = () => undefined,
  ) {}

  /** Subscribes to the other instances' changes; resolves once subscribed. */
  async listen(): Promise<void> {
    this.#unsubscribe ??= await this.cluster.subscribe(REALTIME_CHANNEL, (message) => {
      const pending = this.before();
      return pending
        ? pending.then(() => this.#deliver(message as RecordChange))
        : this.#deliver(message as RecordChange);
    });
  }

  async publish(change: RecordChange): Promise<void> {
    await Promise.all([this.#deliver(change), this.cluster.publish(REALTIME_CHANNEL, change)]);
  }

  async #deliver(change: RecordChange): Promise<void> {
    const pending: Promise<void>[] = [];
    for (const handler of this.#handlers) {
      try {
        const result = handler(change);
        if (result) pending.push(result);
      } catch (error) {
        this.logger.error({ err: error }, 'A realtime change could not be fanned out.');
      }
    }
    await Promise.all(pending);
  }

  onEvent(handler: Handler): () => void {
    this.#handlers.add(handler);
    return () => void this.#handlers.delete(handler);
  }

  async close(): Promise<void> {
    this.#handlers.clear();
    const unsubscribe = this.#unsubscribe;
    this.#unsubscribe = undefined;
    await unsubscribe?.();
  }
}
