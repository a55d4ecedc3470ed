/** A message handler; `from` is the id of the instance that published it. */
export type ClusterHandler = (message: unknown, from: string) => void | Promise<void>;

/**
 * What instances of one deployment share: notices between them and locks. `redis.ts` carries
 * it over Redis; `local.ts` is its in-process twin (one process, or tests).
 */
export interface Cluster {
  /** This instance's id, random per process. */
  readonly id: string;
  /**
   * Sends a JSON message to the other instances' subscribers of `channel`. Never rejects.
   * With `settled`, resolves only once their connections have been sent it, so that a request
   * they get after this one's answer finds the message already there to read.
   */
  publish(channel: string, message: unknown, options?: { settled?: boolean }): Promise<void>;
  /**
   * Receives the messages other instances publish on `channel` (never this instance's own).
   * Resolves once subscribed, with a function that unsubscribes.
   */
  subscribe(channel: string, handler: ClusterHandler): Promise<() => Promise<void>>;
  /** True for exactly one caller per key until `ttlMs` has passed; false too when it cannot tell. */
  tryLock(key: string, ttlMs: number): Promise<boolean>;
  /**
   * Called when the connection comes back after it was lost: messages may have been missed in
   * between, so whatever they keep up to date must be refreshed.
   */
  onReconnect(handler: () => void): () => void;
  close(): Promise<void>;
}
