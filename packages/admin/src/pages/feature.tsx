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
  create?: CreateSpec;
  /** Each item can be deleted (`DELETE {endpoint}/{id}`). */
  removable?: boolean;
  /** A form uploading one file to the endpoint (multipart). */
  upload?: boolean;
}

/** A form posting text fields to an endpoint (blank ones left out); the answer is shown once. */
export interface CreateSpec {
  label: string;
  fields: string[];
  note: string;
}

/** Pages over list endpoints that a server may or may not have: each says so when it has not. */
export const FEATURE_PAGES: FeatureSpec[] = [
  {
    path: '/files',
    title: 'Files',
    endpoint: '/api/files',
    columns: ['title', 'filenameDownload', 'type', 'filesize', 'folder', 'storage'],
    upload: true,
    removable: true,
  },
  {
    path: '/activity',
    title: 'Activity',
    endpoint: '/api/activity',
    columns: ['created', 'action', 'user', 'collection', 'item', 'origin'],
  },
  {
    path: '/revisions',
    title: 'Revisions',
    endpoint: '/api/revisions',
    columns: ['created', 'collection', 'item', 'delta'],
    action: {
      label: 'Revert',
      confirm: 'Put the item back as this revision left it?',
      path: (item) => `/api/revisions/${encodeURIComponent(item.id)}/revert`,
    },
  },
  {
    path: '/roles',
    title: 'Roles',
    endpoint: '/api/roles',
    columns: ['name', 'description', 'adminAccess', 'users'],
    create: { label: 'New role', fields: ['name', 'description'], note: 'Role created.' },
    removable: true,
  },
  {
    path: '/permissions',
    title: 'Permissions',
    endpoint: '/api/permissions',
    columns: ['role', 'collection', 'action', 'rule', 'fields'],
    create: {
      label: 'New permission',
      fields: ['collection', 'action', 'role', 'rule'],
      note: 'Permission granted.',
    },
    removable: true,
  },
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
  const loaded = useLoad(
    () => pb.send<Page<Item>>(feature.endpoint, { query: { page, perPage: 30 } }),
    [feature.endpoint, page],
  );
  const act = useSubmit(async (item: Item) => {
    if (!feature.action || !confirm(feature.action.confirm)) return;
    await pb.send(feature.action.path(item), { method: 'POST' });
    setDone(`${feature.action.label}: done for ${item.id}.`);
    await loaded.reload();
  });
  const remove = useSubmit(async (item: Item) => {
    if (!confirm(`Delete ${item.id}?`)) return;
    await pb.send(`${feature.endpoint}/${encodeURIComponent(item.id)}`, { method: 'DELETE' });
    setDone(`Deleted ${item.id}.`);
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
      {feature.upload ? (
        <UploadForm endpoint={feature.endpoint} onUploaded={() => void loaded.reload()} />
      ) : null}
      {act.error ? <Banner>{act.error}</Banner> : null}
      {remove.error ? <Banner>{remove.error}</Banner> : null}
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
                    {feature.removable ? <th scope="col">Delete</th> : null}
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
                      {feature.removable ? (
                        <td>
                          <button
                            type="button"
                            disabled={remove.busy}
                            onClick={() => void remove.submit(item)}
                          >
                            Delete<span class="visually-hidden"> {item.id}</span>
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

export function CreateForm({
  spec,
  endpoint,
  onCreated,
}: {
  spec: CreateSpec;
  endpoint: string;
  onCreated: () => void;
}) {
  const [values, setValues] = useState<Record<string, string>>({});
  const [created, setCreated] = useState<unknown>();
  const create = useSubmit(async () => {
    const body = Object.fromEntries(Object.entries(values).filter(([, value]) => value !== ''));
    setCreated(await pb.send(endpoint, { method: 'POST', body }));
    setValues({});
    onCreated();
  });
  const unplaced = create.error && !spec.fields.some((field) => create.errors[field]);
  return (
    <form
      class="toolbar"
      aria-label={spec.label}
      onSubmit={(event) => {
        event.preventDefault();
        void create.submit();
      }}
    >
      {spec.fields.map((field, index) => (
        <Field key={field} label={`${spec.label}: ${field}`} error={create.errors[field]}>
          {(props) => (
            <input
              {...props}
              required={index === 0}
              value={values[field] ?? ''}
              onInput={(event) => setValues({ ...values, [field]: event.currentTarget.value })}
            />
          )}
        </Field>
      ))}
      <button type="submit" disabled={create.busy}>
        Create
      </button>
      {unplaced ? <Banner>{create.error}</Banner> : null}
      {created ? (
        <Banner kind="ok">
          {spec.note}
          <pre>{JSON.stringify(created, null, 2)}</pre>
        </Banner>
      ) : null}
    </form>
  );
}

function UploadForm({ endpoint, onUploaded }: { endpoint: string; onUploaded: () => void }) {
  const upload = useSubmit(async (form: HTMLFormElement) => {
    await pb.send(endpoint, { method: 'POST', body: new FormData(form) });
    form.reset();
    onUploaded();
  });
  return (
    <form
      class="toolbar"
      aria-label="Upload a file"
      onSubmit={(event) => {
        event.preventDefault();
        void upload.submit(event.currentTarget);
      }}
    >
      <Field label="File to upload" error={upload.errors.file}>
        {(props) => <input {...props} type="file" name="file" required />}
      </Field>
      <button type="submit" disabled={upload.busy}>
        Upload
      </button>
      {upload.error && !upload.errors.file ? <Banner>{upload.error}</Banner> : null}
    </form>
  );
}
