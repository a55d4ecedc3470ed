import { useState } from 'preact/hooks';
import { type Page, pb } from '../api.ts';
import { useLoad } from '../ui/load.ts';
import { Banner, Field, formatDate, LoadState, Pager } from '../ui/parts.tsx';
import { useSubmit } from '../ui/use-submit.ts';

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

/** The deliveries under `base` (a webhook's or a plugin's), each with its attempts; a webhook's can be replayed. */
export function Deliveries({ base, replayable = false }: { base: string; replayable?: boolean }) {
  const [status, setStatus] = useState('');
  const [page, setPage] = useState(1);
  const [since, setSince] = useState('');
  const [notice, setNotice] = useState<string>();
  const deliveries = useLoad(
    () =>
      pb.send<Page<Delivery>>(`${base}/deliveries`, {
        query: { page, perPage: 30, ...(status ? { status } : {}) },
      }),
    [base, page, status],
  );
  const replay = useSubmit(async (delivery: Delivery) => {
    await pb.send(`${base}/deliveries/${delivery.id}/replay`, { method: 'POST' });
    setNotice(`Delivery ${delivery.id} is being sent again.`);
    await deliveries.reload();
  });
  const recover = useSubmit(async () => {
    await pb.send(`${base}/recover`, { method: 'POST', body: { since: new Date(since).toISOString() } });
    setNotice('The failed deliveries since then are being sent again.');
    await deliveries.reload();
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
        {replayable ? (
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
        ) : null}
      </div>
      {notice ? <Banner kind="ok">{notice}</Banner> : null}
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
                    {replayable ? (
                      <button
                        type="button"
                        disabled={replay.busy}
                        onClick={() => void replay.submit(delivery)}
                      >
                        Replay<span class="visually-hidden"> delivery {delivery.id}</span>
                      </button>
                    ) : null}
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
