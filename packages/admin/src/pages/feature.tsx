import { useState } from 'preact/hooks';
import { type Page, pb } from '../api.ts';
import { useLoad } from '../ui/load.ts';
import { Banner, Field, LoadState, Pager } from '../ui/parts.tsx';
import { useSubmit } from '../ui/use-submit.ts';

type Item = Record<string, unknown> & { id: string };

export interface FeatureSpec {
  path: string;
  title: string;
  endpoint: string;
  /** The columns shown, in order; the whole item is one click away. */
  columns: string[];
  action?: { label: string; confirm: string; path: (item: Item) => string };
  /** A form posting one text field to the endpoint; the answer is shown once (a plugin's key). */
  create?: { label: string; field: string; note: string };
}

/** Pages over list endpoints that a server may or may not have: each says so when it has not. */
export const FEATURE_PAGES: FeatureSpec[] = [
  {
    path: '/files',
    title: 'Files',
    endpoint: '/api/files',
    columns: ['title', 'filename_download', 'type', 'filesize', 'folder'],
  },
  {
    path: '/activity',
    title: 'Activity',
    endpoint: '/api/activity',
    columns: ['timestamp', 'action', 'user', 'collection', 'item'],
  },
  {
    path: '/revisions',
    title: 'Revisions',
    endpoint: '/api/revisions',
    columns: ['activity', 'collection', 'item', 'delta'],
    action: {
      label: 'Revert',
      confirm: 'Put the item back as this revision left it?',
      path: (item) => `/api/revisions/${encodeURIComponent(item.id)}/revert`,
    },
  },
  {
    path: '/plugins',
    title: 'Plugins',
    endpoint: '/api/plugins',
    columns: ['name', 'hookUrl', 'created'],
    create: { label: 'New plugin', field: 'name', note: 'Keep its key now: it is not shown again.' },
  },
  { path: '/backups', title: 'Backups', endpoint: '/api/backups', columns: ['key', 'size', 'modified'] },
];

const show = (value: unknown) =>
  value === null || value === undefined
    ? ''
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);

export function FeaturePage({ feature }: { feature: FeatureSpec }) {
  const [page, setPage] = useState(1);
  const [done, setDone] = useState<string>();
  const loaded = useLoad(async () => {
    const answer = await pb.send<Page<Item> | Item[]>(feature.endpoint, { query: { page, perPage: 30 } });
    return Array.isArray(answer)
      ? { page: 1, perPage: answer.length, totalItems: answer.length, totalPages: 1, items: answer }
      : answer;
  }, [feature.endpoint, page]);
  const act = useSubmit(async (item: Item) => {
    if (!feature.action || !confirm(feature.action.confirm)) return;
    await pb.send(feature.action.path(item), { method: 'POST' });
    setDone(`${feature.action.label}: done for ${item.id}.`);
    await loaded.reload();
  });
  return (
    <section>
      <h1>{feature.title}</h1>
      {feature.create && !loaded.missing ? (
        <CreateForm
          spec={feature.create}
          endpoint={feature.endpoint}
          onCreated={() => void loaded.reload()}
        />
      ) : null}
      {act.error ? <Banner>{act.error}</Banner> : null}
      {done ? <Banner kind="ok">{done}</Banner> : null}
      <LoadState loaded={loaded} feature={feature.title}>
        {({ items, totalPages }) => (
          <>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">id</th>
                    {feature.columns.map((column) => (
                      <th key={column} scope="col">
                        {column}
                      </th>
                    ))}
                    {feature.action ? <th scope="col">{feature.action.label}</th> : null}
                  </tr>
                </thead>
                <tbody>
                  {items.map((item) => (
                    <tr key={item.id}>
                      <td>
                        <details>
                          <summary>{item.id}</summary>
                          <pre>{JSON.stringify(item, null, 2)}</pre>
                        </details>
                      </td>
                      {feature.columns.map((column) => (
                        <td key={column}>{show(item[column])}</td>
                      ))}
                      {feature.action ? (
                        <td>
                          <button type="button" disabled={act.busy} onClick={() => void act.submit(item)}>
                            {feature.action.label}
                            <span class="visually-hidden"> {item.id}</span>
                          </button>
                        </td>
                      ) : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager page={page} totalPages={totalPages} onPage={setPage} />
          </>
        )}
      </LoadState>
    </section>
  );
}

function CreateForm({
  spec,
  endpoint,
  onCreated,
}: {
  spec: NonNullable<FeatureSpec['create']>;
  endpoint: string;
  onCreated: () => void;
}) {
  const [value, setValue] = useState('');
  const [created, setCreated] = useState<unknown>();
  const create = useSubmit(async () => {
    setCreated(await pb.send(endpoint, { method: 'POST', body: { [spec.field]: value } }));
    setValue('');
    onCreated();
  });
  return (
    <form
      class="toolbar"
      aria-label={spec.label}
      onSubmit={(event) => {
        event.preventDefault();
        void create.submit();
      }}
    >
      <Field label={`${spec.label}: ${spec.field}`} error={create.errors[spec.field]}>
        {(props) => (
          <input {...props} required value={value} onInput={(event) => setValue(event.currentTarget.value)} />
        )}
      </Field>
      <button type="submit" disabled={create.busy}>
        Create
      </button>
      {create.error && !create.errors[spec.field] ? <Banner>{create.error}</Banner> : null}
      {created ? (
        <Banner kind="ok">
          {spec.note}
          <pre>{JSON.stringify(created, null, 2)}</pre>
        </Banner>
      ) : null}
    </form>
  );
}
