import type { CollectionModel } from 'pocketbase';
import { useState } from 'preact/hooks';
import { pb } from '../api.ts';
import { useLoad } from '../ui/load.ts';
import { Banner, Field, LoadState } from '../ui/parts.tsx';
import { useSubmit } from '../ui/use-submit.ts';

export function useCollections() {
  return useLoad(() => pb.collections.getFullList({ sort: 'name' }), []);
}

/** The collections, and their import and export as JSON. */
export function CollectionsPage() {
  const collections = useCollections();
  const [json, setJson] = useState('');
  const [imported, setImported] = useState(false);
  const importing = useSubmit(async () => {
    setImported(false);
    await pb.collections.import(JSON.parse(json) as CollectionModel[], false);
    setImported(true);
    await collections.reload();
  });
  return (
    <section>
      <div class="heading">
        <h1>Collections</h1>
        <a class="button primary" href="#/collections/new">
          New collection
        </a>
      </div>
      <LoadState loaded={collections} feature="Collections">
        {(list) => (
          <ul class="cards" aria-label="Collections">
            {list.map((collection) => (
              <li key={collection.id} class="card">
                <a href={`#/collections/${encodeURIComponent(collection.name)}`}>
                  <strong>{collection.name}</strong>
                </a>
                <span class="tag">{collection.type}</span>
                {collection.system ? <span class="tag">system</span> : null}
                <span class="hint">{collection.fields.length} fields</span>
                <a href={`#/collections/${encodeURIComponent(collection.name)}/edit`}>Edit</a>
              </li>
            ))}
          </ul>
        )}
      </LoadState>
      <details class="card">
        <summary>Import and export as JSON</summary>
        <button
          type="button"
          onClick={() => setJson(JSON.stringify(collections.data ?? [], null, 2))}
          disabled={!collections.data}
        >
          Export into the box below
        </button>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void importing.submit();
          }}
        >
          {importing.error ? <Banner>{importing.error}</Banner> : null}
          {imported ? <Banner kind="ok">Imported.</Banner> : null}
          <Field
            label="Collections (JSON array)"
            hint="Imported collections are created or updated; others are kept."
          >
            {(props) => (
              <textarea
                {...props}
                rows={10}
                class="code"
                value={json}
                onInput={(event) => setJson(event.currentTarget.value)}
              />
            )}
          </Field>
          <button type="submit" disabled={importing.busy || json === ''}>
            Import
          </button>
        </form>
      </details>
    </section>
  );
}
