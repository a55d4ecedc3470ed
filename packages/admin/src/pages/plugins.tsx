import { useState } from 'preact/hooks';
import { type Page, pb } from '../api.ts';
import { useLoad } from '../ui/load.ts';
import { Banner, formatDate, LoadState, Pager } from '../ui/parts.tsx';
import { useSubmit } from '../ui/use-submit.ts';
import { Deliveries } from './deliveries.tsx';
import { CreateForm } from './feature.tsx';

interface Plugin {
  id: string;
  name: string;
  created: string;
}

/** The plugins: create one (its key shown once), delete one, and each one's deliveries. */
export function PluginsPage() {
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<string>();
  const plugins = useLoad(
    () => pb.send<Page<Plugin>>('/api/plugins', { query: { page, perPage: 30 } }),
    [page],
  );
  const [rotated, setRotated] = useState<unknown>();
  const rotate = useSubmit(async (plugin: Plugin) => {
    if (!confirm(`Give ${plugin.name} a new key and secret? The old ones stop working at once.`)) return;
    setRotated(await pb.send(`/api/plugins/${plugin.id}/rotate`, { method: 'POST' }));
  });
  const remove = useSubmit(async (plugin: Plugin) => {
    if (!confirm(`Delete the plugin ${plugin.name}, its hook and its deliveries?`)) return;
    await pb.send(`/api/plugins/${plugin.id}`, { method: 'DELETE' });
    await plugins.reload();
  });
  return (
    <section>
      <h1>Plugins</h1>
      <CreateForm
        spec={{ label: 'New plugin', fields: ['name'], note: 'Keep its key now: it is not shown again.' }}
        endpoint="/api/plugins"
        onCreated={() => void plugins.reload()}
      />
      {remove.error ? <Banner>{remove.error}</Banner> : null}
      {rotate.error ? <Banner>{rotate.error}</Banner> : null}
      {rotated ? (
        <Banner kind="ok">
          Keep the new key now: it is not shown again.
          <pre>{JSON.stringify(rotated, null, 2)}</pre>
        </Banner>
      ) : null}
      <LoadState loaded={plugins} feature="Plugins">
        {({ items, totalPages }) => (
          <>
            {items.length === 0 ? <p class="hint">No plugin.</p> : null}
            <ul class="deliveries" aria-label="Plugins">
              {items.map((plugin) => (
                <li key={plugin.id} class="card">
                  <details
                    open={open === plugin.id}
                    onToggle={(event) => {
                      if (event.currentTarget.open) setOpen(plugin.id);
                      else if (open === plugin.id) setOpen(undefined);
                    }}
                  >
                    <summary>
                      <strong>{plugin.name}</strong> <span class="hint">{formatDate(plugin.created)}</span>
                    </summary>
                    {open === plugin.id ? <Deliveries base={`/api/plugins/${plugin.id}`} /> : null}
                  </details>
                  <button
                    type="button"
                    class="link"
                    disabled={rotate.busy}
                    onClick={() => void rotate.submit(plugin)}
                  >
                    Rotate key<span class="visually-hidden"> of {plugin.name}</span>
                  </button>
                  <button
                    type="button"
                    class="link"
                    disabled={remove.busy}
                    onClick={() => void remove.submit(plugin)}
                  >
                    Delete<span class="visually-hidden"> plugin {plugin.name}</span>
                  </button>
                </li>
              ))}
            </ul>
            <Pager page={page} totalPages={totalPages} onPage={setPage} />
          </>
        )}
      </LoadState>
    </section>
  );
}
