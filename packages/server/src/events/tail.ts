import type { EventRecord } from '../outbox/event-record.ts';

export interface TailOptions {
  /** The running Sluice, e.g. `http://127.0.0.1:8090`. */
  url: string;
  /** A superuser's auth token. */
  token: string;
  /** Comma-separated catalogue patterns or `source/kind/eventName` triples; every event when empty. */
  filter?: string;
  /** One JSON line per event instead of a readable line. */
  json?: boolean;
  write: (line: string) => void;
  signal?: AbortSignal;
}

/** A readable line for an event: time, name, Qelos triple, metadata. */
export function describeEvent(event: EventRecord): string {
  const triple = `${event.source}/${event.kind}/${event.eventName}`;
  return `${event.time} ${event.name} ${triple} ${JSON.stringify(event.metadata)}`;
}

/**
 * `sluice events tail`: prints the events a running Sluice fires, as they fire, read from
 * `GET /api/events/stream`, until the stream ends or `signal` aborts. Resolves to an exit code.
 */
export async function tailEvents(options: TailOptions): Promise<number> {
  const stream = new URL('/api/events/stream', options.url);
  if (options.filter) stream.searchParams.set('filter', options.filter);
  let response: Response;
  try {
    response = await fetch(stream, { headers: { authorization: options.token }, signal: options.signal });
  } catch (error) {
    if (options.signal?.aborted) return 0;
    throw new Error(`Cannot reach Sluice at ${options.url}: ${(error as Error).message}`);
  }
  if (!response.ok || !response.body) {
    const answer = (await response.json().catch(() => ({}))) as { message?: string };
    throw new Error(`Sluice refused the event stream (${response.status}): ${answer.message ?? ''}`.trim());
  }
  const decoder = new TextDecoder();
  let buffered = '';
  try {
    for await (const chunk of response.body) {
      buffered += decoder.decode(chunk as Uint8Array, { stream: true });
      let end = buffered.indexOf('\n\n');
      while (end !== -1) {
        const frame = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const data = frame.split('\n').find((line) => line.startsWith('data: '));
        if (data) {
          const event = JSON.parse(data.slice(6)) as EventRecord;
          options.write(options.json ? JSON.stringify(event) : describeEvent(event));
        }
        end = buffered.indexOf('\n\n');
      }
    }
  } catch (error) {
    if (!options.signal?.aborted) throw error;
  }
  return 0;
}
