import type { Agent } from 'undici';
import type { Core } from '../app/core.ts';
import { formatDate, nowDate } from '../records/dates.ts';
import type { WebhooksService } from '../webhooks/service.ts';
import { type Endpoint, findEndpoint } from '../webhooks/store.ts';
import { InFlightLimit } from './in-flight.ts';
import { nextRetryDelay, retryDelaysFrom } from './schedule.ts';
import { deliveryAgent, send } from './send.ts';
import { type ClaimedDelivery, claimDue, type Outcome, pruneDelivered, saveOutcomes } from './store.ts';

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
  /** Deliveries this run claimed and has not saved yet: see `claimDue`. */
  readonly #held = new Set<string>();
  /** Endpoints that answered 410 during this run: sent nothing more, and disabled once. */
  readonly #gone = new Set<string>();
  readonly #disabled = new Set<string>();
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
    this.#held.clear();
    this.#gone.clear();
    this.#disabled.clear();
    let saving: Promise<void> = Promise.resolve();
    try {
      let next = await this.#claim();
      while (next.length > 0) {
        this.#again = false;
        const batch = next;
        for (const delivery of batch) this.#held.add(delivery.id);
        const endpointOf = this.#endpoints();
        const sending = batch.map((delivery) => this.#deliver(delivery, endpointOf));
        const saved = Promise.all(sending).then((outcomes) => this.#save(batch, outcomes));
        // awaited below: this only keeps a failure meanwhile from counting as unhandled
        saved.catch(() => {});
        // the next batch is claimed (and queued behind this one's sends) once half of this one
        // is settled, so that the endpoints are not left idle while this one is saved
        await Promise.race([halfSettled(sending), saved]);
        await saving;
        saving = saved;
        next = this.#started && (batch.length === BATCH || this.#again) ? await this.#claim() : [];
      }
      await saving;
    } catch (error) {
      // a batch still being saved is waited for, so that the next run does not claim it again
      await saving.catch(() => {});
      throw error;
    }
  }

  #claim(): Promise<ClaimedDelivery[]> {
    return claimDue(
      this.core.database,
      nowDate(),
      formatDate(new Date(Date.now() + this.#leaseMs)),
      BATCH,
      this.#held,
    );
  }

  /** One look-up per endpoint per batch, not per delivery. */
  #endpoints(): (id: string) => Promise<Endpoint | undefined> {
    const endpoints = new Map<string, Promise<Endpoint | undefined>>();
    return (id) => {
      const found = endpoints.get(id) ?? findEndpoint(this.core.database.db, id);
      endpoints.set(id, found);
      return found;
    };
  }

  /** Saves a batch's outcomes in one commit, and disables the endpoints that answered 410. */
  async #save(
    batch: readonly ClaimedDelivery[],
    outcomes: readonly ((Outcome & { gone?: string }) | undefined)[],
  ): Promise<void> {
    await saveOutcomes(
      this.core.database,
      outcomes.flatMap((outcome) => outcome ?? []),
    );
    for (const delivery of batch) this.#held.delete(delivery.id);
    for (const endpoint of new Set(outcomes.flatMap((outcome) => (outcome?.gone ? [outcome.gone] : [])))) {
      if (this.#disabled.has(endpoint)) continue;
      this.#disabled.add(endpoint);
      await this.webhooks.disable(endpoint, this.core.context());
      this.core.logger.warn({ webhook: endpoint }, 'A webhook answered 410 Gone: it is now disabled.');
    }
  }

  /** Sends one delivery and says how it went; `gone` names an endpoint that answered 410. */
  async #deliver(
    delivery: ClaimedDelivery,
    endpointOf: (id: string) => Promise<Endpoint | undefined>,
  ): Promise<(Outcome & { gone?: string }) | undefined> {
    const endpoint = await endpointOf(delivery.webhook);
    if (!endpoint || !this.#started || this.#gone.has(delivery.webhook)) return undefined;
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
    if (status === 410) {
      this.#gone.add(webhook.id);
      return { id: delivery.id, status: 'failed', attempts, nextAttemptAt: '', gone: webhook.id };
    }
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

/** Settles once half of `tasks` have, each one fulfilled or rejected. */
function halfSettled(tasks: readonly Promise<unknown>[]): Promise<void> {
  return new Promise((resolve) => {
    let left = Math.ceil(tasks.length / 2);
    const settle = () => {
      left -= 1;
      if (left === 0) resolve();
    };
    if (left === 0) resolve();
    for (const task of tasks) task.then(settle, settle);
  });
}
