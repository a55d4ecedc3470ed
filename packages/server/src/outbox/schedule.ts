/**
 * The waits before each retry of a failed delivery (DESIGN §4): the first attempt is immediate,
 * then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h; after the last the delivery has failed.
 */
export const RETRY_DELAYS_MS: readonly number[] = [
  5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
];

/** Up to this share of a wait is added at random, so that failed deliveries do not retry in step. */
const JITTER = 0.1;

/** `SLUICE_WEBHOOKS_RETRY_MS` (comma-separated milliseconds) or the default schedule. */
export function retryDelaysFrom(setting: string | undefined): readonly number[] {
  if (!setting?.trim()) return RETRY_DELAYS_MS;
  const delays = setting.split(',').map((item) => Number(item.trim()));
  if (delays.some((delay) => !Number.isFinite(delay) || delay < 0))
    throw new Error(
      `SLUICE_WEBHOOKS_RETRY_MS must be a comma-separated list of milliseconds, not "${setting}".`,
    );
  return delays;
}

/**
 * How long to wait after the `attempts`-th failed attempt, or undefined when the schedule is
 * exhausted. A `Retry-After` longer than the schedule's wait is honoured.
 */
export function nextRetryDelay(
  attempts: number,
  delays: readonly number[],
  retryAfterMs?: number,
  random: () => number = Math.random,
): number | undefined {
  const delay = delays[attempts - 1];
  if (delay === undefined) return undefined;
  const jittered = Math.round(delay * (1 + JITTER * random()));
  return Math.max(jittered, retryAfterMs ?? 0);
}

/** A `Retry-After` header (seconds or an HTTP date) in milliseconds from `now`. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
