import type { CollectionModel, RecordModel } from 'pocketbase';
import { useEffect, useRef, useState } from 'preact/hooks';
import { pb } from '../api.ts';
import { useLoad } from '../ui/load.ts';
import { Banner, Field, formatDate, LoadState, Pager } from '../ui/parts.tsx';
import { RecordEditor } from './record-editor.tsx';
import { SavedViews } from './saved-views.tsx';

const PER_PAGE = 30;

function storedColumns(collection: CollectionModel): string[] {
  try {
    const saved = JSON.parse(localStorage.getItem(`sluice.columns.${collection.id}`) ?? 'null');
    if (Array.isArray(saved)) return saved;
  } catch {}
  return collection.fields
    .filter((field) => !field.hidden && field.type !== 'password')
    .map((field) => field.name);
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\d \d\d:\d\d/.test(value)) return formatDate(value);
  return String(value);
}

export function RecordsPage({ collection: name }: { collection: string }) {
  const loaded = useLoad(() => pb.collections.getOne(name), [name]);
  return (
    <LoadState loaded={loaded} feature="Collections">
      {(collection) => <RecordsTable key={collection.id} collection={collection} />}
    </LoadState>
  );
}

/** The records of a collection: filter, sort, paging, column choice, editing, and live updates. */
function RecordsTable({ collection }: { collection: CollectionModel }) {
  const [filterText, setFilterText] = useState('');
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState('');
  const [page, setPage] = useState(1);
  const [columns, setColumns] = useState(() => storedColumns(collection));
  const [editing, setEditing] = useState<RecordModel | 'new'>();
  const [live, setLive] = useState<string>();
  const records = useLoad(
    () => pb.collection(collection.name).getList(page, PER_PAGE, { filter, sort }),
    [collection.name, page, filter, sort],
  );
  // one subscription per collection, calling the reload of the current filter, sort and page
  const reload = useRef(records.reload);
  reload.current = records.reload;
  useEffect(() => {
    let unsubscribe: (() => Promise<void>) | undefined;
    let gone = false;
    pb.collection(collection.name)
      .subscribe('*', (event) => {
        setLive(`Live: record ${event.record.id} ${event.action}d.`);
        void reload.current();
      })
      .then((stop) => {
        if (gone) void stop();
        else unsubscribe = stop;
      })
      .catch(() => setLive('Live updates are not available.'));
    return () => {
      gone = true;
      void unsubscribe?.();
    };
  }, [collection.name]);
  const toggleColumn = (column: string, shown: boolean) => {
    const next = collection.fields
      .map((field) => field.name)
      .filter((candidate) => (candidate === column ? shown : columns.includes(candidate)));
    setColumns(next);
    localStorage.setItem(`sluice.columns.${collection.id}`, JSON.stringify(next));
  };
  const sortBy = (column: string) => {
    setSort(sort === column ? `-${column}` : column);
    setPage(1);
  };
  const done = () => {
    setEditing(undefined);
    void records.reload();
  };
  return (
    <section>
      <div class="heading">
        <h1>{collection.name}</h1>
        <a href={`#/collections/${encodeURIComponent(collection.name)}/edit`}>Edit collection</a>
        <button type="button" class="primary" onClick={() => setEditing('new')}>
          New record
        </button>
      </div>
      <p class="live" role="status" aria-live="polite">
        {live}
      </p>
      <form
        class="toolbar"
        aria-label="Filter records"
        onSubmit={(event) => {
          event.preventDefault();
          setFilter(filterText);
          setPage(1);
        }}
      >
        <Field
          label="Filter"
          error={filter !== '' && records.error ? records.error : undefined}
          hint='e.g. title ~ "hello" && created > "2024-01-01"'
        >
          {(props) => (
            <input
              {...props}
              class="code"
              value={filterText}
              onInput={(event) => setFilterText(event.currentTarget.value)}
            />
          )}
        </Field>
        <button type="submit">Apply</button>
        <details class="columns">
          <summary>Columns</summary>
          <fieldset>
            <legend>Shown columns</legend>
            {collection.fields.map((field) => (
              <label key={field.id} class="check">
                <input
                  type="checkbox"
                  checked={columns.includes(field.name)}
                  onChange={(event) => toggleColumn(field.name, event.currentTarget.checked)}
                />
                {field.name}
              </label>
            ))}
          </fieldset>
        </details>
      </form>
      <SavedViews
        current={{ name: '', collection: collection.name, filter, sort, fields: columns }}
        onPick={(view) => {
          setFilterText(view.filter ?? '');
          setFilter(view.filter ?? '');
          setSort(view.sort ?? '');
          if (Array.isArray(view.fields) && view.fields.length > 0) setColumns(view.fields);
          setPage(1);
        }}
      />
      {records.error && filter === '' ? <Banner>{records.error}</Banner> : null}
      {editing ? (
        <RecordEditor
          key={editing === 'new' ? 'new' : editing.id}
          collection={collection}
          record={editing === 'new' ? undefined : editing}
          onDone={done}
        />
      ) : null}
      {records.data ? (
        <>
          <div class="table-wrap">
            <table>
              <caption class="visually-hidden">Records of {collection.name}</caption>
              <thead>
                <tr>
                  {columns.map((column) => (
                    <th
                      key={column}
                      scope="col"
                      aria-sort={
                        sort === column ? 'ascending' : sort === `-${column}` ? 'descending' : undefined
                      }
                    >
                      <button type="button" class="link" onClick={() => sortBy(column)}>
                        {column}
                        {sort === column ? ' ▲' : sort === `-${column}` ? ' ▼' : ''}
                      </button>
                    </th>
                  ))}
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {records.data.items.map((record) => (
                  <tr key={record.id}>
                    {columns.map((column) => (
                      <td key={column}>{cell(record[column])}</td>
                    ))}
                    <td>
                      <button type="button" class="link" onClick={() => setEditing(record)}>
                        Edit<span class="visually-hidden"> {record.id}</span>
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p class="hint">{records.data.totalItems} records</p>
          <Pager page={page} totalPages={records.data.totalPages} onPage={setPage} />
        </>
      ) : null}
    </section>
  );
}
