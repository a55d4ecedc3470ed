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

export interface ScheduleInfo {
  id: number;
  expression: string;
  owner: string;
  running: boolean;
  nextRun: Date | null;
  runs: number;
  skipped: number;
}

export type ScheduleHandler = (run: { expression: string; startedAt: Date }) => unknown;

interface Entry {
  id: number;
  expression: string;
  owner: string;
  handler: ScheduleHandler;
  job: CronJob;
  running: boolean;
  runs: number;
  skipped: number;
}

/**
 * Scheduled handlers. Jobs are created paused and run only between `start()` and `stop()`;
 * a run that is still going when the next tick comes makes that tick a skip, not an overlap.
 */
export class Schedules {
  readonly #entries = new Map<number, Entry>();
  #nextId = 1;
  #started = false;

  constructor(
    private readonly cron: CronFactory | undefined,
    private readonly logger: Logger,
    private readonly reportFailure: (owner: string, event: string, error: unknown) => void,
  ) {}

  add(expression: string, handler: ScheduleHandler, owner: string): () => void {
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
    this.#entries.set(id, { id, expression, owner, handler, job, running: false, runs: 0, skipped: 0 });
    if (this.#started) job.resume();
    return () => this.#remove(id);
  }

  async #run(id: number): Promise<void> {
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
    entry.runs++;
    try {
      await entry.handler({ expression: entry.expression, startedAt: new Date() });
    } catch (error) {
      this.reportFailure(entry.owner, `schedule:${entry.expression}`, error);
    } finally {
      entry.running = false;
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
    return [...this.#entries.values()].map(({ id, expression, owner, running, runs, skipped, job }) => ({
      id,
      expression,
      owner,
      running,
      runs,
      skipped,
      nextRun: this.#started ? job.nextRun() : null,
    }));
  }
}
