import type { Logger } from 'pino';

/**
 * The steps of one shutdown, run one after another within one deadline they share: each is
 * given what is left of it. A step still running when its time is up is abandoned with a
 * warning naming it, and the next one starts, so the whole shutdown ends by the deadline
 * whatever hangs. A step starts even when nothing is left, so one that completes at once
 * (a synchronous hook, closing SQLite) is still done.
 *
 * A step that fails does not stop the ones after it: the failure is logged, and `finish()`
 * throws the first one.
 */
export class Shutdown {
  readonly #deadline: number;
  readonly #failures: unknown[] = [];

  constructor(
    timeoutMs: number,
    private readonly logger: Pick<Logger, 'warn' | 'error'>,
  ) {
    this.#deadline = performance.now() + timeoutMs;
  }

  /** Runs `work` within what is left of the deadline; `false` when it was abandoned. */
  async step(name: string, work: () => unknown): Promise<boolean> {
    const givenMs = Math.max(0, this.#deadline - performance.now());
    const done = new Promise((resolve) => resolve(work())).then(
      () => true,
      (error: unknown) => {
        this.#failures.push(error);
        this.logger.error({ step: name, err: error }, `Shutdown: ${name} failed.`);
        return true;
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const overran = new Promise<false>((resolve) => {
      timer = setTimeout(resolve, givenMs, false);
    });
    const finished = await Promise.race([done, overran]);
    clearTimeout(timer);
    if (!finished)
      this.logger.warn(
        { step: name, givenMs: Math.round(givenMs) },
        `Shutdown: gave up on ${name} when the shutdown timeout ran out.`,
      );
    return finished;
  }

  finish(): void {
    if (this.#failures.length > 0) throw this.#failures[0];
  }
}
