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
  /**
   * Runs once the message was written or a `realtime.message` filter dropped it (the
   * `realtime.connect` action after `PB_CONNECT`: the client is connected either way).
   */
  onSettled?: () => void;
}

/**
 * A queued message. A record message is decided (rules, shape) while its change fans out, so it
 * may still be in the making, and may turn out to be nothing for this client; its place in the
 * queue keeps the order.
 */
export interface Slot {
  message: Outgoing | Promise<Outgoing | null>;
  /** Its SSE frame's length, an upper estimate until the message is made. */
  bytes: number;
}

/** How much a client may have waiting before it is dropped. */
export interface QueueLimits {
  /** Messages. */
  maxQueue: number;
  /** Bytes of their frames (counted as characters); one message alone may be larger. */
  maxBytes: number;
}

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
  /** The tokenKey the client's auth token was signed with, checked again when its record changes. */
  tokenKey: string | undefined;
  readonly #queue: Slot[] = [];
  #bytes = 0;
  #pumping = false;
  #idle: NodeJS.Timeout | undefined;

  constructor(
    readonly id: string,
    readonly request: FastifyRequest,
    readonly response: ServerResponse,
    accountability: Accountability,
    private readonly delivery: Delivery,
    private readonly limits: QueueLimits,
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

  /** What the queued messages count against the byte budget, until each is written. */
  get queuedBytes(): number {
    return this.#bytes;
  }

  /**
   * Queues a message; false if the client is gone. A client that lets its queue outgrow its
   * limits (it does not read, or its network is too slow) is dropped: writes and other clients
   * never wait for it.
   */
  enqueue(slot: Slot): boolean {
    if (this.closed) return false;
    if (this.#queue.length >= this.limits.maxQueue || !this.#fits(slot.bytes)) {
      this.#drop();
      return false;
    }
    this.#queue.push(slot);
    this.#bytes += slot.bytes;
    if (!this.#pumping) void this.#pump();
    return true;
  }

  /** Counts a queued message at its real size, once made (0 if it was nothing for this client). */
  resize(slot: Slot, bytes: number): void {
    if (this.closed) return;
    this.#bytes -= slot.bytes;
    slot.bytes = 0;
    if (!this.#fits(bytes)) {
      this.#drop();
      return;
    }
    slot.bytes = bytes;
    this.#bytes += bytes;
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

  #fits(bytes: number): boolean {
    return this.#bytes === 0 || this.#bytes + bytes <= this.limits.maxBytes;
  }

  #drop(): void {
    this.response.destroy();
    this.#end();
  }

  async #pump(): Promise<void> {
    this.#pumping = true;
    try {
      while (this.#queue.length > 0 && !this.closed) {
        const slot = this.#queue[0];
        const message = slot.message instanceof Promise ? await settled(slot.message) : slot.message;
        if (message && !this.closed) await this.delivery.send(this, message);
        if (this.closed) break;
        this.#queue.shift();
        this.#bytes -= slot.bytes;
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
    this.#bytes = 0;
    if (this.#idle) clearTimeout(this.#idle);
    this.delivery.closed(this);
  }
}

async function settled(message: Promise<Outgoing | null>): Promise<Outgoing | null> {
  try {
    return await message;
  } catch {
    return null;
  }
}

/** One message as an SSE frame: the client's id, the message's name and its data as JSON. */
export function sseFrame(clientId: string, name: string, json: string): string {
  return `id:${clientId}\nevent:${name}\ndata:${json}\n\n`;
}

/** The length of `sseFrame(…)` with data of this JSON length. */
export function frameLength(clientId: string, name: string, jsonLength: number): number {
  return sseFrame(clientId, name, '').length + jsonLength;
}

export function authKeyOf(who: Accountability): string {
  return who.user === null ? '' : `${who.collection}:${who.user}`;
}
