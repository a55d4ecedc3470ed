import type { Agent } from 'undici';
import type { Core } from '../app/core.ts';
import { formatDate, nowDate } from '../records/dates.ts';
import type { WebhooksService } from '../webhooks/service.ts';
import { type Endpoint, findEndpoint } from '../webhooks/store.ts';
import { InFlightLimit } from './in-flight.ts';
import { nextRetryDelay, retryDelaysFrom } from './schedule.ts';
import { deliveryAgent, send } from './send.ts';
import {
  type ClaimedDelivery,
  claimDue,
  leaseDeliveries,
  type Outcome,
  pruneDelivered,
  saveOutcomes,
} from './store.ts';

const BATCH = 100;
const TIMEOUT_MS = 15_000;
/**
 * Longer than a send may take, so that a lease only runs out when its worker is gone
 * (`SLUICE_WEBHOOKS_LEASE_MS`).
 */
const DEFAULT_LEASE_MS = 60_000;
const RETENTION_MS = 7 * 24 * 3600_000;
const PRUNE_EVERY_MS = 3600_000;
/** How often the webhooks other instances changed are picked up. */
const REFRESH_EVERY_MS = 30_000;
const DEFAULT_POLL_MS = 5_000;
/** How long a nudge waits for more deliveries to send with it. */
const NUDGE_DELAY_MS = 10;
/** Requests in flight to one endpoint at most (`SLUICE_WEBHOOKS_MAX_IN_FLIGHT`). */
const DEFAULT_MAX_IN_FLIGHT = 10;

/** How a delivery went, to be saved; `gone` names an endpoint that answered 410; undefined: not sent. */
type Settled = (Outcome & { gone?: string }) | undefined;

/**
 * Sends the outbox's due deliveries: when nudged after a commit that wrote some, and every poll
 * (`SLUICE_WEBHOOKS_POLL_MS`) for retries and for rows other instances or an earlier run left.
 * Also prunes old delivered rows and refreshes the cached webhooks now and then.
 */
export class DeliveryWorker {
  readonly #delays: readonly number[];
  readonly #pollMs: number;
  readonly #leaseMs: number;
  readonly #maxInFlight: number;
  readonly #inFlight: InFlightLimit;
  /** Connections to webhooks (private targets refused unless allowed) and to plugins' hooks. */
  #agents: { webhooks: Agent; plugins: Agent } | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #nudged = false;
  #started = false;
  #stopping = new AbortController();
  #prunedAt = 0;
  #refreshedAt = Date.now();

  constructor(
    private readonly core: Core,
    private readonly webhooks: WebhooksService,
  ) {
    this.#delays = retryDelaysFrom(core.env.SLUICE_WEBHOOKS_RETRY_MS);
    this.#pollMs = positive(core.env.SLUICE_WEBHOOKS_POLL_MS) ?? DEFAULT_POLL_MS;
    this.#leaseMs = positive(core.env.SLUICE_WEBHOOKS_LEASE_MS) ?? DEFAULT_LEASE_MS;
    this.#maxInFlight = Math.floor(positive(core.env.SLUICE_WEBHOOKS_MAX_IN_FLIGHT) ?? DEFAULT_MAX_IN_FLIGHT);
    this.#inFlight = new InFlightLimit(this.#maxInFlight);
  }

  start(): void {
    this.#started = true;
    this.#stopping = new AbortController();
    this.#schedule(0);
  }

  /**
   * Sends what is due soon (again, if a run is going on). Nudges within `NUDGE_DELAY_MS` make
   * one run, so that a stream of writes is sent in batches, not a claim and a commit each.
   */
  nudge(): void {
    if (!this.#started) return;
    if (this.#running) this.#again = true;
    else if (!this.#nudged) {
      this.#nudged = true;
      this.#schedule(NUDGE_DELAY_MS);
    }
  }

  /** Stops polling; sends in flight are cut off and their deliveries given back, due at once. */
  async stop(): Promise<void> {
    this.#started = false;
    clearTimeout(this.#timer);
    this.#stopping.abort();
    const agents = this.#agents;
    this.#agents = undefined;
    await Promise.all([agents?.webhooks.destroy(), agents?.plugins.destroy()]);
    await this.#running;
  }

  #schedule(ms: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#run(), ms);
    this.#timer.unref();
  }

  #run(): void {
    this.#nudged = false;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#work()
      .catch((error: unknown) => this.core.logger.error({ err: error }, 'Sending webhook deliveries failed.'))
      .finally(() => {
        this.#running = undefined;
        if (this.#started) this.#schedule(this.#again ? 0 : this.#pollMs);
        this.#again = false;
      });
  }

  async #work(): Promise<void> {
    const now = Date.now();
    if (now - this.#refreshedAt >= REFRESH_EVERY_MS) {
      this.#refreshedAt = now;
      await this.webhooks.subscribers.reload(this.core.database.db);
    }
    if (now - this.#prunedAt >= PRUNE_EVERY_MS) {
      this.#prunedAt = now;
      await pruneDelivered(this.core.database.db, formatDate(new Date(now - RETENTION_MS)));
    }
    const db = this.core.database.db;
    let claimed: ClaimedDelivery[];
    do {
      this.#again = false;
      claimed = await claimDue(
        this.core.database,
        nowDate(),
        formatDate(new Date(Date.now() + this.#leaseMs)),
        BATCH,
      );
      // one look-up per endpoint and one commit per batch, not per delivery
      const endpoints = new Map<string, Promise<Endpoint | undefined>>();
      const endpointOf = (id: string) => {
        const found = endpoints.get(id) ?? findEndpoint(db, id);
        endpoints.set(id, found);
        return found;
      };
      const lease = this.#holdLease(claimed.map((delivery) => delivery.id));
      let outcomes: Settled[];
      try {
        outcomes = await Promise.all(claimed.map((delivery) => this.#deliver(delivery, endpointOf)));
      } finally {
        await lease.release();
      }
      await saveOutcomes(
        this.core.database,
        outcomes.flatMap((outcome) => outcome ?? []),
      );
      const gone = new Set(outcomes.flatMap((outcome) => (outcome?.gone ? [outcome.gone] : [])));
      for (const endpoint of gone) {
        await this.webhooks.disable(endpoint, this.core.context());
        this.core.logger.warn({ webhook: endpoint }, 'A webhook answered 410 Gone: it is now disabled.');
      }
    } while (this.#started && (claimed.length === BATCH || this.#again));
  }

  /**
   * Keeps a batch claimed on PostgreSQL leased while it is being sent, renewing the lease every
   * third of it: a batch sent to a slow endpoint can outlast one lease, and another instance
   * would then claim and send it again. `release` stops renewing once no renewal is under way, so
   * that none lands after the outcomes are saved.
   */
  #holdLease(ids: readonly string[]): { release(): Promise<void> } {
    if (this.core.database.dialect !== 'postgres' || ids.length === 0) return { release: async () => {} };
    let renewing: Promise<void> = Promise.resolve();
    const timer = setInterval(
      () => {
        renewing = renewing
          .then(() =>
            leaseDeliveries(this.core.database.db, ids, formatDate(new Date(Date.now() + this.#leaseMs))),
          )
          .catch((error: unknown) =>
            this.core.logger.warn(
              { err: error },
              'The lease on webhook deliveries being sent could not be renewed.',
            ),
          );
      },
      Math.max(1, Math.floor(this.#leaseMs / 3)),
    );
    timer.unref();
    return {
      release: () => {
        clearInterval(timer);
        return renewing;
      },
    };
  }

  /** Sends one delivery and says how it went. */
  async #deliver(
    delivery: ClaimedDelivery,
    endpointOf: (id: string) => Promise<Endpoint | undefined>,
  ): Promise<Settled> {
    const endpoint = await endpointOf(delivery.webhook);
    if (!endpoint || !this.#started) return undefined;
    // made at the first delivery: a server with no webhooks never loads the HTTP client
    this.#agents ??= {
      webhooks: deliveryAgent(this.webhooks.allowPrivate, this.#maxInFlight),
      plugins: deliveryAgent(true, this.#maxInFlight),
    };
    const agents = this.#agents;
    const { webhook, plugin } = endpoint;
    let result: Awaited<ReturnType<typeof send>>;
    try {
      result = await this.#inFlight.run(webhook.id, () =>
        send(webhook, delivery.id, delivery.body, {
          timeoutMs: TIMEOUT_MS,
          allowPrivate: plugin !== '' || this.webhooks.allowPrivate,
          dispatcher: plugin ? agents.plugins : agents.webhooks,
          stopping: this.#stopping.signal,
        }),
      );
    } catch (error) {
      if (!this.#stopping.signal.aborted) throw error;
      // given back, due at once, the attempt not counted
      return {
        id: delivery.id,
        status: delivery.status,
        attempts: delivery.attempts,
        nextAttemptAt: nowDate(),
      };
    }
    const attempts = [...delivery.attempts, result.attempt];
    const { status } = result.attempt;
    if (status >= 200 && status < 300)
      return { id: delivery.id, status: 'delivered', attempts, nextAttemptAt: '' };
    if (status === 410)
      return { id: delivery.id, status: 'failed', attempts, nextAttemptAt: '', gone: webhook.id };
    const delay = nextRetryDelay(attempts.length, this.#delays, result.retryAfterMs);
    if (delay === undefined) return { id: delivery.id, status: 'failed', attempts, nextAttemptAt: '' };
    if (delay < this.#pollMs) setTimeout(() => this.nudge(), delay).unref();
    return {
      id: delivery.id,
      status: 'retrying',
      attempts,
      nextAttemptAt: formatDate(new Date(Date.now() + delay)),
    };
  }
}

/** A setting that must be a positive number; undefined when unset or not one. */
function positive(value: string | undefined): number | undefined {
  const number = Number(value);
  return value && Number.isFinite(number) && number > 0 ? number : undefined;
}
