import type { ServerResponse } from 'node:http';
import type { FastifyRequest } from 'fastify';
import type { Accountability } from '../context.ts';
import type { Subscription } from './subscriptions.ts';

/** A message for one client, before the `realtime.message` filter: PocketBase's `e.message`. */
export interface Outgoing {
  name: string;
  data: unknown;
  /** The event's tags: for record messages, the collection's name and id. */
  tags: readonly string[];
  /** Runs once the message was written (e.g. the `realtime.connect` action after `PB_CONNECT`). */
  onSent?: () => void;
}

/**
 * A queued message: a record message is decided (rules, expand) for every client of one change
 * at once, so a slot may wait on that shared work; its place in the queue keeps the order.
 */
export type Slot = Outgoing | null | { pending: Promise<(Outgoing | null)[]>; index: number };

/** What a client needs from the hub to send: the hooks around each message, and its own end. */
export interface Delivery {
  send(client: RealtimeClient, message: Outgoing): Promise<void> | void;
  closed(client: RealtimeClient): void;
}

/** One SSE connection of `GET /api/realtime`. */
export class RealtimeClient {
  accountability: Accountability;
  subscriptions = new Map<string, Subscription>();
  /** Set once the connection ended: nothing is queued or written after it. */
  closed = false;
  readonly #queue: Slot[] = [];
  #pumping = false;
  #idle: NodeJS.Timeout | undefined;

  constructor(
    readonly id: string,
    readonly request: FastifyRequest,
    readonly response: ServerResponse,
    accountability: Accountability,
    private readonly delivery: Delivery,
    private readonly maxQueue: number,
    idleTimeout: number,
  ) {
    this.accountability = accountability;
    response.on('close', () => this.#end());
    if (idleTimeout > 0 && Number.isFinite(idleTimeout)) {
      this.#idle = setTimeout(() => this.#onIdle(), idleTimeout);
      this.#idle.unref();
    }
  }

  /** `collection:id` of the auth record the client is bound to, or `` for a guest. */
  get authKey(): string {
    return authKeyOf(this.accountability);
  }

  get queued(): number {
    return this.#queue.length;
  }

  /**
   * Queues a message. A client that lets `maxQueue` messages pile up (it does not read, or its
   * network is too slow) is dropped: writes and other clients never wait for it.
   */
  enqueue(slot: Slot): void {
    if (this.closed) return;
    if (this.#queue.length >= this.maxQueue) {
      this.response.destroy();
      this.#end();
      return;
    }
    this.#queue.push(slot);
    if (!this.#pumping) void this.#pump();
  }

  /** Resets the idle clock (a message was sent, or the subscriptions changed). */
  touch(): void {
    this.#idle?.refresh();
  }

  /** Writes one SSE frame; resolves once the socket takes more (or the client is gone). */
  write(frame: string): Promise<void> | undefined {
    if (this.closed) return undefined;
    if (this.response.write(frame)) return undefined;
    return new Promise((resolve) => {
      const done = () => {
        this.response.off('drain', done);
        this.response.off('close', done);
        resolve();
      };
      this.response.on('drain', done);
      this.response.on('close', done);
    });
  }

  close(): void {
    if (this.closed) return;
    this.response.end();
    this.#end();
  }

  async #pump(): Promise<void> {
    this.#pumping = true;
    try {
      while (this.#queue.length > 0 && !this.closed) {
        const slot = this.#queue[0];
        const message = slot && 'pending' in slot ? await settled(slot) : slot;
        if (message && !this.closed) await this.delivery.send(this, message);
        this.#queue.shift();
      }
    } finally {
      this.#pumping = false;
    }
  }

  #onIdle(): void {
    // As in PocketBase, a connection nobody subscribed through is closed; the SDKs reconnect.
    if (this.subscriptions.size === 0) this.close();
    else this.#idle?.refresh();
  }

  #end(): void {
    if (this.closed) return;
    this.closed = true;
    this.#queue.length = 0;
    if (this.#idle) clearTimeout(this.#idle);
    this.delivery.closed(this);
  }
}

async function settled(slot: { pending: Promise<(Outgoing | null)[]>; index: number }) {
  try {
    return (await slot.pending)[slot.index];
  } catch {
    return null;
  }
}

export function authKeyOf(who: Accountability): string {
  return who.user === null ? '' : `${who.collection}:${who.user}`;
}
