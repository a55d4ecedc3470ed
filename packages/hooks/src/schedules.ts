import { InvalidCronError } from './errors.ts';
import type { Logger } from './logger.ts';

/** A cron job as croner's `Cron` provides it. */
export interface CronJob {
  stop(): void;
  pause(): unknown;
  resume(): unknown;
  nextRun(): Date | null;
}

/** Creates a paused job calling `run` on `expression` (5 or 6 fields, day and month names). */
export type CronFactory = (expression: string, run: () => void) => CronJob;

/**
 * Asks whether this process may run one tick: resolves true for exactly one caller per key
 * (across every process sharing the lock store) until `ttlMs` has passed.
 */
export type ScheduleLock = (key: string, ttlMs: number) => Promise<boolean>;

export interface ScheduleInfo {
  id: number;
  /** The name it was given (PocketBase's `cronAdd` job name), or one made of owner and expression. */
  name: string;
  expression: string;
  owner: string;
  running: boolean;
  /** When the last run here started, or null before the first. */
  lastRun: Date | null;
  nextRun: Date | null;
  runs: number;
  skipped: number;
  /** Ticks not run here because the schedule lock went elsewhere (or could not be asked for). */
  lockSkipped: number;
}

export type ScheduleHandler = (run: { expression: string; startedAt: Date; scheduledAt: Date }) => unknown;

interface Entry {
  id: number;
  name: string;
  /** Given its name, rather than named after its owner and expression. */
  named: boolean;
  expression: string;
  owner: string;
  handler: ScheduleHandler;
  /** Distinguishes schedules of one owner with the same expression in their lock keys. */
  lockName: string;
  job: CronJob;
  running: boolean;
  lastRun: Date | null;
  runs: number;
  skipped: number;
  lockSkipped: number;
}

/**
 * Scheduled handlers. Jobs are created paused and run only between `start()` and `stop()`;
 * a run that is still going when the next tick comes makes that tick a skip, not an overlap.
 * With a `lock`, each tick first asks for it (key: owner, expression and the tick's second), so
 * that processes sharing the lock store run each tick once between them.
 */
export class Schedules {
  readonly #entries = new Map<number, Entry>();
  #nextId = 1;
  #started = false;

  constructor(
    private readonly cron: CronFactory | undefined,
    private readonly logger: Logger,
    private readonly reportFailure: (owner: string, event: string, error: unknown) => void,
    private readonly lock?: ScheduleLock,
  ) {}

  add(expression: string, handler: ScheduleHandler, owner: string, name?: string): () => void {
    if (!this.cron) throw new InvalidCronError('No cron implementation was given to createHooks({ cron }).');
    if (typeof handler !== 'function') throw new TypeError('A schedule handler must be a function.');
    const fields = typeof expression === 'string' ? expression.trim().split(/\s+/).length : 0;
    if (fields !== 5 && fields !== 6) {
      throw new InvalidCronError(`Invalid cron expression "${expression}": expected 5 or 6 fields.`);
    }
    const id = this.#nextId++;
    let job: CronJob;
    try {
      job = this.cron(expression, () => void this.#run(id));
    } catch (error) {
      throw new InvalidCronError(`Invalid cron expression "${expression}": ${(error as Error).message}`);
    }
    let same = 0;
    for (const entry of this.#entries.values())
      if (entry.owner === owner && entry.expression === expression && !entry.named) same++;
    const lockName =
      name === undefined ? `${owner}|${expression}${same > 0 ? `#${same + 1}` : ''}` : `${owner}|${name}`;
    this.#entries.set(id, {
      id,
      name: name ?? lockName,
      named: name !== undefined,
      expression,
      owner,
      handler,
      lockName,
      job,
      running: false,
      lastRun: null,
      runs: 0,
      skipped: 0,
      lockSkipped: 0,
    });
    if (this.#started) job.resume();
    return () => this.#remove(id);
  }

  /**
   * Runs the schedule of that name now, on this process and without the cluster lock ("run
   * now"), and resolves once it has finished (its failure is reported as a tick's). False when
   * no schedule has that name.
   */
  async runNow(name: string): Promise<boolean> {
    const entry = [...this.#entries.values()].find((candidate) => candidate.name === name);
    if (!entry) return false;
    await this.#run(entry.id, false);
    return true;
  }

  async #run(id: number, locked = true): Promise<void> {
    const entry = this.#entries.get(id);
    if (!entry) return;
    if (entry.running) {
      entry.skipped++;
      this.logger.warn(
        { extension: entry.owner, schedule: entry.expression },
        'A scheduled run was skipped: the previous one is still running.',
      );
      return;
    }
    entry.running = true;
    // croner fires at or just after the scheduled time: its second names the tick
    const scheduledAt = new Date(Math.floor(Date.now() / 1000) * 1000);
    if (locked && this.lock && !(await this.#locked(entry, scheduledAt))) {
      entry.lockSkipped++;
      entry.running = false;
      return;
    }
    entry.runs++;
    const startedAt = new Date();
    entry.lastRun = startedAt;
    try {
      await entry.handler({ expression: entry.expression, startedAt, scheduledAt });
    } catch (error) {
      this.reportFailure(entry.owner, `schedule:${entry.expression}`, error);
    } finally {
      entry.running = false;
    }
  }

  async #locked(entry: Entry, scheduledAt: Date): Promise<boolean> {
    const next = entry.job.nextRun()?.getTime();
    const interval = next !== undefined ? next - scheduledAt.getTime() : 1000;
    // a little under the interval: gone before the next tick, long enough to outlast clock skew
    const ttlMs = Math.max(1, Math.floor(interval - Math.min(1000, interval / 10)));
    try {
      return await this.lock!(`${entry.lockName}|${scheduledAt.toISOString()}`, ttlMs);
    } catch (error) {
      this.logger.warn(
        { extension: entry.owner, schedule: entry.expression, err: error },
        'A scheduled run was skipped: its lock could not be taken.',
      );
      return false;
    }
  }

  #remove(id: number): void {
    this.#entries.get(id)?.job.stop();
    this.#entries.delete(id);
  }

  removeOwner(owner: string): number {
    let removed = 0;
    for (const entry of [...this.#entries.values()]) {
      if (entry.owner === owner) {
        this.#remove(entry.id);
        removed++;
      }
    }
    return removed;
  }

  start(): void {
    this.#started = true;
    for (const entry of this.#entries.values()) entry.job.resume();
  }

  stop(): void {
    this.#started = false;
    for (const entry of this.#entries.values()) entry.job.pause();
  }

  list(): ScheduleInfo[] {
    return [...this.#entries.values()].map((entry) => ({
      id: entry.id,
      name: entry.name,
      expression: entry.expression,
      owner: entry.owner,
      running: entry.running,
      lastRun: entry.lastRun,
      runs: entry.runs,
      skipped: entry.skipped,
      lockSkipped: entry.lockSkipped,
      nextRun: this.#started ? entry.job.nextRun() : null,
    }));
  }
}
