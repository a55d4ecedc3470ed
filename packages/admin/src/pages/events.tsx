import { useEffect, useState } from 'preact/hooks';
import { pb } from '../api.ts';
import { Banner, Field, formatDate } from '../ui/parts.tsx';

interface EventRecord {
  id: string;
  time: string;
  source: string;
  kind: string;
  eventName: string;
  name: string;
  tags: string[];
  [key: string]: unknown;
}

const KEEP = 200;

/** Reads a server-sent-events body and hands over each message's `data`. */
async function readEvents(body: ReadableStream<Uint8Array>, onData: (data: string) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const data = buffer
        .slice(0, end)
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      if (data) onData(data);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
    }
  }
}

/** `*` matches any run of characters; otherwise a part of the name. */
function nameMatches(name: string, pattern: string): boolean {
  if (pattern === '') return true;
  if (!pattern.includes('*')) return name.includes(pattern);
  const expression = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${expression.join('.*')}$`).test(name);
}

/** The events as they fire (`GET /api/events/stream`), newest first, filtered by name and tag. */
export function LiveEventsPage() {
  const [events, setEvents] = useState<EventRecord[]>([]);
  const [state, setState] = useState<'connecting' | 'live' | 'closed'>('connecting');
  const [error, setError] = useState<string>();
  const [name, setName] = useState('');
  const [tag, setTag] = useState('');
  useEffect(() => {
    const abort = new AbortController();
    (async () => {
      const response = await fetch(pb.buildURL('/api/events/stream'), {
        headers: { Authorization: pb.authStore.token, Accept: 'text/event-stream' },
        signal: abort.signal,
      });
      if (!response.ok || !response.body) throw new Error(`The event stream answered ${response.status}.`);
      setState('live');
      await readEvents(response.body, (data) => {
        try {
          const event = JSON.parse(data) as EventRecord;
          if (event && typeof event.name === 'string')
            setEvents((current) => [event, ...current].slice(0, KEEP));
        } catch {
          // a comment or keep-alive, not an event
        }
      });
      setState('closed');
    })().catch((failure: unknown) => {
      if (abort.signal.aborted) return;
      setState('closed');
      setError(failure instanceof Error ? failure.message : String(failure));
    });
    return () => abort.abort();
  }, []);
  const shown = events.filter(
    (event) =>
      nameMatches(event.name, name.trim()) && (tag.trim() === '' || (event.tags ?? []).includes(tag.trim())),
  );
  return (
    <section>
      <div class="heading">
        <h1>Live events</h1>
        <span class={`tag ${state === 'live' ? 'ok' : ''}`} role="status">
          {state}
        </span>
        <button type="button" onClick={() => setEvents([])}>
          Clear
        </button>
      </div>
      {error ? <Banner>{error}</Banner> : null}
      <div class="toolbar">
        <Field label="Event name" hint="e.g. records.* or a part of the name">
          {(props) => (
            <input
              {...props}
              class="code"
              value={name}
              onInput={(event) => setName(event.currentTarget.value)}
            />
          )}
        </Field>
        <Field label="Tag">
          {(props) => <input {...props} value={tag} onInput={(event) => setTag(event.currentTarget.value)} />}
        </Field>
      </div>
      {shown.length === 0 ? <p class="hint">Waiting for events…</p> : null}
      <ol class="events" aria-live="polite">
        {shown.map((event) => (
          <li key={event.id}>
            <details>
              <summary>
                <code>{event.name}</code> <span class="hint">{formatDate(event.time)}</span>{' '}
                {(event.tags ?? []).map((item) => (
                  <span key={item} class="tag">
                    {item}
                  </span>
                ))}
              </summary>
              <pre>{JSON.stringify(event, null, 2)}</pre>
            </details>
          </li>
        ))}
      </ol>
    </section>
  );
}
