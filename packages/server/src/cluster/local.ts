import { randomBytes } from 'node:crypto';
import type { Cluster, ClusterHandler } from './types.ts';

/** What in-process instances share: their subscribers and their locks. */
export class LocalHub {
  readonly members = new Set<LocalCluster>();
  readonly locks = new Map<string, number>();
}

/**
 * The in-process twin of the Redis cluster: instances joined to one `LocalHub` hear each other.
 * Messages go through JSON and arrive asynchronously, as they would over the network.
 */
export class LocalCluster implements Cluster {
  readonly id = randomBytes(8).toString('hex');
  readonly #handlers = new Map<string, Set<ClusterHandler>>();
  #closed = false;

  constructor(readonly hub: LocalHub = new LocalHub()) {
    hub.members.add(this);
  }

  async publish(channel: string, message: unknown): Promise<void> {
    if (this.#closed) return;
    const json = JSON.stringify(message ?? null);
    for (const member of this.hub.members) {
      if (member !== this) member.#deliver(channel, json, this.id);
    }
  }

  #deliver(channel: string, json: string, from: string): void {
    const handlers = this.#handlers.get(channel);
    if (!handlers) return;
    for (const handler of handlers) {
      setImmediate(() => {
        try {
          void Promise.resolve(handler(JSON.parse(json), from)).catch(() => {});
        } catch {
          // a handler's failure is its own
        }
      });
    }
  }

  async subscribe(channel: string, handler: ClusterHandler): Promise<() => Promise<void>> {
    const handlers = this.#handlers.get(channel) ?? new Set<ClusterHandler>();
    this.#handlers.set(channel, handlers);
    handlers.add(handler);
    return async () => {
      handlers.delete(handler);
      if (handlers.size === 0 && this.#handlers.get(channel) === handlers) this.#handlers.delete(channel);
    };
  }

  async tryLock(key: string, ttlMs: number): Promise<boolean> {
    if (this.#closed) return false;
    const now = Date.now();
    const until = this.hub.locks.get(key);
    if (until !== undefined && until > now) return false;
    for (const [held, expires] of this.hub.locks) if (expires <= now) this.hub.locks.delete(held);
    this.hub.locks.set(key, now + ttlMs);
    return true;
  }

  onReconnect(): () => void {
    return () => {};
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#handlers.clear();
    this.hub.members.delete(this);
  }
}

export function createLocalCluster(hub?: LocalHub): LocalCluster {
  return new LocalCluster(hub);
}
