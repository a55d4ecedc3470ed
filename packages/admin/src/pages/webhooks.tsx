import { useState } from 'preact/hooks';
import { type Page, pb } from '../api.ts';
import { navigate } from '../router.ts';
import { useLoad } from '../ui/load.ts';
import { Banner, Field, LoadState } from '../ui/parts.tsx';
import { useSubmit } from '../ui/use-submit.ts';
import { Deliveries } from './deliveries.tsx';

interface Webhook {
  id: string;
  url: string;
  events: string[];
  tags: string[];
  secret: string;
  enabled: boolean;
  description: string;
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
                <Deliveries base={`/api/webhooks/${selected.id}`} replayable />
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
  const [tested, setTested] = useState<string>();
  const test = useSubmit(async () => {
    if (!webhook) return;
    await pb.send(`/api/webhooks/${webhook.id}/test`, { method: 'POST' });
    setTested('A test event was sent: see the deliveries.');
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
      {tested ? <Banner kind="ok">{tested}</Banner> : null}
    </form>
  );
}
