import { useState } from 'preact/hooks';
import { isMissingEndpoint, type Page, pb } from '../api.ts';
import { navigate } from '../router.ts';
import { useLoad } from '../ui/load.ts';
import { Banner, Field, formatDate, LoadState, Pager } from '../ui/parts.tsx';
import { useSubmit } from '../ui/use-submit.ts';

interface Webhook {
  id: string;
  url: string;
  events: string[];
  tags: string[];
  secret: string;
  enabled: boolean;
  description: string;
}

interface Delivery {
  id: string;
  eventId: string;
  name: string;
  payload: unknown;
  status: 'pending' | 'retrying' | 'delivered' | 'failed';
  attempts: { time: string; status: number; durationMs: number; response: string }[];
  nextAttemptAt: string;
  created: string;
}

const list = (text: string) =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** The webhooks; with an `id`, that one's settings and deliveries. */
export function WebhooksPage({ id }: { id?: string }) {
  const webhooks = useLoad(() => pb.send<Page<Webhook>>('/api/webhooks', { query: { perPage: 500 } }), []);
  const selected = id === 'new' ? undefined : webhooks.data?.items.find((webhook) => webhook.id === id);
  return (
    <section>
      <div class="heading">
        <h1>Webhooks</h1>
        <a class="button primary" href="#/webhooks/new">
          New webhook
        </a>
      </div>
      <LoadState loaded={webhooks} feature="Webhooks">
        {({ items }) => (
          <>
            <ul class="cards" aria-label="Webhooks">
              {items.map((webhook) => (
                <li key={webhook.id} class="card">
                  <a href={`#/webhooks/${webhook.id}`} aria-current={webhook.id === id ? 'page' : undefined}>
                    <strong>{webhook.url}</strong>
                  </a>
                  <span class={`tag ${webhook.enabled ? 'ok' : ''}`}>
                    {webhook.enabled ? 'enabled' : 'disabled'}
                  </span>
                  <code class="hint">{webhook.events.join(', ')}</code>
                </li>
              ))}
            </ul>
            {id === 'new' ? (
              <WebhookForm
                key="new"
                onSaved={(saved) => void webhooks.reload().then(() => navigate(`/webhooks/${saved.id}`))}
              />
            ) : null}
            {selected ? (
              <>
                <WebhookForm key={selected.id} webhook={selected} onSaved={() => void webhooks.reload()} />
                <Deliveries webhook={selected} />
              </>
            ) : null}
          </>
        )}
      </LoadState>
    </section>
  );
}

function WebhookForm({ webhook, onSaved }: { webhook?: Webhook; onSaved: (webhook: Webhook) => void }) {
  const [url, setUrl] = useState(webhook?.url ?? '');
  const [events, setEvents] = useState(webhook?.events.join(', ') ?? '');
  const [tags, setTags] = useState(webhook?.tags.join(', ') ?? '');
  const [description, setDescription] = useState(webhook?.description ?? '');
  const [enabled, setEnabled] = useState(webhook?.enabled ?? true);
  const [saved, setSaved] = useState(false);
  const save = useSubmit(async () => {
    setSaved(false);
    const body = { url, events: list(events), tags: list(tags), description, enabled };
    const result = webhook
      ? await pb.send<Webhook>(`/api/webhooks/${webhook.id}`, { method: 'PATCH', body })
      : await pb.send<Webhook>('/api/webhooks', { method: 'POST', body });
    setSaved(true);
    onSaved(result);
  });
  const [tested, setTested] = useState<{ kind: 'ok' | 'info'; text: string }>();
  const test = useSubmit(async () => {
    if (!webhook) return;
    try {
      await pb.send(`/api/webhooks/${webhook.id}/test`, { method: 'POST' });
      setTested({ kind: 'ok', text: 'A test event was sent: see the deliveries.' });
    } catch (error) {
      if (!isMissingEndpoint(error)) throw error;
      setTested({ kind: 'info', text: 'Sending a test event is not available on this server.' });
    }
  });
  const remove = useSubmit(async () => {
    if (!webhook || !confirm(`Delete the webhook to ${webhook.url} and its deliveries?`)) return;
    await pb.send(`/api/webhooks/${webhook.id}`, { method: 'DELETE' });
    navigate('/webhooks');
    location.reload();
  });
  return (
    <form
      class="card editor"
      aria-label={webhook ? 'Webhook settings' : 'New webhook'}
      onSubmit={(event) => {
        event.preventDefault();
        void save.submit();
      }}
    >
      <h2>{webhook ? 'Webhook' : 'New webhook'}</h2>
      {save.error ? <Banner>{save.error}</Banner> : null}
      {saved ? <Banner kind="ok">Saved.</Banner> : null}
      <Field label="URL" error={save.errors.url}>
        {(props) => (
          <input
            {...props}
            type="url"
            required
            value={url}
            onInput={(event) => setUrl(event.currentTarget.value)}
          />
        )}
      </Field>
      <Field
        label="Events"
        error={save.errors.events}
        hint="Catalogue names, * as a wildcard, comma-separated: records.*, auth.login"
      >
        {(props) => (
          <input
            {...props}
            required
            class="code"
            value={events}
            onInput={(event) => setEvents(event.currentTarget.value)}
          />
        )}
      </Field>
      <Field
        label="Tags"
        error={save.errors.tags}
        hint="Only events with one of these tags (e.g. a collection name); empty: all."
      >
        {(props) => <input {...props} value={tags} onInput={(event) => setTags(event.currentTarget.value)} />}
      </Field>
      <Field label="Description" error={save.errors.description}>
        {(props) => (
          <input
            {...props}
            value={description}
            onInput={(event) => setDescription(event.currentTarget.value)}
          />
        )}
      </Field>
      <label class="check">
        <input
          type="checkbox"
          checked={enabled}
          onChange={(event) => setEnabled(event.currentTarget.checked)}
        />
        Enabled
      </label>
      {webhook ? (
        <details>
          <summary>Signing secret</summary>
          <code class="block">{webhook.secret}</code>
        </details>
      ) : null}
      <div class="actions">
        <button type="submit" class="primary" disabled={save.busy}>
          {webhook ? 'Save' : 'Create'}
        </button>
        {webhook ? (
          <>
            <button type="button" disabled={test.busy} onClick={() => void test.submit()}>
              Send a test event
            </button>
            <button type="button" class="danger" onClick={() => void remove.submit()}>
              Delete webhook
            </button>
          </>
        ) : null}
      </div>
      {remove.error ? <Banner>{remove.error}</Banner> : null}
      {test.error ? <Banner>{test.error}</Banner> : null}
      {tested ? <Banner kind={tested.kind}>{tested.text}</Banner> : null}
    </form>
  );
}

function Deliveries({ webhook }: { webhook: Webhook }) {
  const [status, setStatus] = useState('');
  const [page, setPage] = useState(1);
  const [since, setSince] = useState('');
  const [notice, setNotice] = useState<{ kind: 'ok' | 'info'; text: string }>();
  const deliveries = useLoad(
    () =>
      pb.send<Page<Delivery>>(`/api/webhooks/${webhook.id}/deliveries`, {
        query: { page, perPage: 30, ...(status ? { status } : {}) },
      }),
    [webhook.id, page, status],
  );
  const replay = useSubmit(async (delivery: Delivery) => {
    await pb.send(`/api/webhooks/${webhook.id}/deliveries/${delivery.id}/replay`, { method: 'POST' });
    setNotice({ kind: 'ok', text: `Delivery ${delivery.id} is being sent again.` });
    await deliveries.reload();
  });
  const recover = useSubmit(async () => {
    try {
      await pb.send(`/api/webhooks/${webhook.id}/recover`, {
        method: 'POST',
        body: { since: new Date(since).toISOString() },
      });
      setNotice({ kind: 'ok', text: 'The failed deliveries since then are being sent again.' });
      await deliveries.reload();
    } catch (error) {
      if (!isMissingEndpoint(error)) throw error;
      setNotice({
        kind: 'info',
        text: 'Replaying all failed deliveries since a time is not available on this server.',
      });
    }
  });
  return (
    <section aria-label="Deliveries">
      <div class="heading">
        <h2>Deliveries</h2>
        <button type="button" onClick={() => void deliveries.reload()}>
          Refresh
        </button>
      </div>
      <div class="toolbar">
        <Field label="Status">
          {(props) => (
            <select
              {...props}
              value={status}
              onChange={(event) => {
                setStatus(event.currentTarget.value);
                setPage(1);
              }}
            >
              <option value="">all</option>
              <option value="pending">pending</option>
              <option value="retrying">retrying</option>
              <option value="delivered">delivered</option>
              <option value="failed">failed</option>
            </select>
          )}
        </Field>
        <form
          class="toolbar"
          onSubmit={(event) => {
            event.preventDefault();
            void recover.submit();
          }}
        >
          <Field label="Replay every failed one since" error={recover.errors.since}>
            {(props) => (
              <input
                {...props}
                type="datetime-local"
                required
                value={since}
                onInput={(event) => setSince(event.currentTarget.value)}
              />
            )}
          </Field>
          <button type="submit" disabled={recover.busy}>
            Replay failed
          </button>
        </form>
      </div>
      {notice ? <Banner kind={notice.kind}>{notice.text}</Banner> : null}
      {replay.error ? <Banner>{replay.error}</Banner> : null}
      {recover.error ? <Banner>{recover.error}</Banner> : null}
      <LoadState loaded={deliveries} feature="Deliveries">
        {({ items, page: current, totalPages }) => (
          <>
            {items.length === 0 ? <p class="hint">No delivery.</p> : null}
            <ul class="deliveries">
              {items.map((delivery) => (
                <li key={delivery.id} class={`card delivery ${delivery.status}`}>
                  <div class="row">
                    <code>{delivery.name}</code>
                    <span
                      class={`tag ${delivery.status === 'delivered' ? 'ok' : delivery.status === 'failed' ? 'danger' : ''}`}
                    >
                      {delivery.status}
                    </span>
                    <span class="hint">{formatDate(delivery.created)}</span>
                    <button type="button" disabled={replay.busy} onClick={() => void replay.submit(delivery)}>
                      Replay<span class="visually-hidden"> delivery {delivery.id}</span>
                    </button>
                  </div>
                  <table class="attempts">
                    <caption class="visually-hidden">Attempts</caption>
                    <thead>
                      <tr>
                        <th scope="col">Attempt</th>
                        <th scope="col">Status</th>
                        <th scope="col">Duration</th>
                        <th scope="col">Response</th>
                      </tr>
                    </thead>
                    <tbody>
                      {delivery.attempts.map((attempt, index) => (
                        <tr key={index}>
                          <td>{formatDate(attempt.time)}</td>
                          <td>{attempt.status || 'no answer'}</td>
                          <td>{attempt.durationMs} ms</td>
                          <td>
                            <code>{attempt.response}</code>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  <details>
                    <summary>Event record</summary>
                    <pre>{JSON.stringify(delivery.payload, null, 2)}</pre>
                  </details>
                </li>
              ))}
            </ul>
            <Pager page={current} totalPages={totalPages} onPage={setPage} />
          </>
        )}
      </LoadState>
    </section>
  );
}
