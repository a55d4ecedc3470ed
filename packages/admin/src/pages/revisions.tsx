import { type Page, pb } from '../api.ts';
import { useLoad } from '../ui/load.ts';
import { Banner, formatDate } from '../ui/parts.tsx';
import { useSubmit } from '../ui/use-submit.ts';

interface Revision {
  id: string;
  collection: string;
  item: string;
  data: Record<string, unknown>;
  delta: Record<string, unknown>;
  created: string;
}

const shown = (value: unknown) => (value === undefined ? '—' : JSON.stringify(value));

/** A record's revisions, newest first: what each changed (before → after), and a revert. */
export function RecordRevisions({
  collection,
  id,
  onReverted,
}: {
  collection: string;
  id: string;
  onReverted: () => void;
}) {
  const revisions = useLoad(
    () =>
      pb.send<Page<Revision>>('/api/revisions', {
        query: {
          filter: `collection = ${JSON.stringify(collection)} && item = ${JSON.stringify(id)}`,
          sort: '-created',
          perPage: 50,
        },
      }),
    [collection, id],
  );
  const revert = useSubmit(async (revision: Revision) => {
    if (!confirm('Put the record back as this revision left it?')) return;
    await pb.send(`/api/revisions/${encodeURIComponent(revision.id)}/revert`, { method: 'POST' });
    onReverted();
  });
  const redact = useSubmit(async (revision: Revision, field: string) => {
    if (!confirm(`Remove ${field} from every revision of this record?`)) return;
    await pb.send(`/api/revisions/${encodeURIComponent(revision.id)}`, {
      method: 'PATCH',
      body: { redact: [field] },
    });
    await revisions.reload();
  });
  const items = revisions.data?.items ?? [];
  return (
    <details class="revisions">
      <summary>History ({items.length} revisions)</summary>
      {revisions.error ? <Banner>{revisions.error}</Banner> : null}
      {revert.error ? <Banner>{revert.error}</Banner> : null}
      {redact.error ? <Banner>{redact.error}</Banner> : null}
      <ol>
        {items.map((revision, index) => {
          const before = items[index + 1]?.data ?? {};
          return (
            <li key={revision.id}>
              <span class="hint">{formatDate(revision.created)}</span>
              <table class="diff">
                <caption class="visually-hidden">Changes of revision {revision.id}</caption>
                <thead>
                  <tr>
                    <th scope="col">Field</th>
                    <th scope="col">Before</th>
                    <th scope="col">After</th>
                    <th scope="col">Redact</th>
                  </tr>
                </thead>
                <tbody>
                  {Object.entries(revision.delta ?? {}).map(([field, after]) => (
                    <tr key={field}>
                      <th scope="row">{field}</th>
                      <td>
                        <del>{shown(before[field])}</del>
                      </td>
                      <td>
                        <ins>{shown(after)}</ins>
                      </td>
                      <td>
                        <button
                          type="button"
                          class="link"
                          disabled={redact.busy}
                          onClick={() => void redact.submit(revision, field)}
                        >
                          Redact {field}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {index > 0 ? (
                <button type="button" disabled={revert.busy} onClick={() => void revert.submit(revision)}>
                  Revert to this revision
                </button>
              ) : null}
            </li>
          );
        })}
      </ol>
    </details>
  );
}
