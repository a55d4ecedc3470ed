import { useState } from 'preact/hooks';
import { type Page, pb } from '../api.ts';
import { useLoad } from '../ui/load.ts';
import { Banner, Field } from '../ui/parts.tsx';
import { useSubmit } from '../ui/use-submit.ts';

/** A saved list query of a collection (`/api/presets`). */
export interface View {
  id?: string;
  name: string;
  collection: string;
  filter: string;
  sort: string;
  fields: string[];
}

/** A preset as the server keeps it: the columns as one comma-separated string. */
type Preset = Omit<View, 'fields'> & { fields: string };

const quoted = (value: string) => JSON.stringify(value);

/** Picks and saves the views (presets) of a collection; says so when the server has none. */
export function SavedViews({ current, onPick }: { current: View; onPick: (view: View) => void }) {
  const views = useLoad(async () => {
    const presets = await pb.send<Page<Preset>>('/api/presets', {
      query: { filter: `collection = ${quoted(current.collection)}`, perPage: 200 },
    });
    return presets.items.map(
      (preset): View => ({ ...preset, fields: preset.fields.split(',').filter(Boolean) }),
    );
  }, [current.collection]);
  const [name, setName] = useState('');
  const save = useSubmit(async () => {
    const { collection, filter, sort, fields } = current;
    await pb.send('/api/presets', {
      method: 'POST',
      body: { name, collection, filter, sort, fields: fields.join(',') },
    });
    setName('');
    await views.reload();
  });
  return (
    <fieldset class="toolbar views">
      <legend class="visually-hidden">Saved views</legend>
      <Field label="Saved view" error={views.error}>
        {(props) => (
          <select
            {...props}
            value=""
            onChange={(event) => {
              const view = views.data?.find((item) => item.id === event.currentTarget.value);
              if (view) onPick(view);
            }}
          >
            <option value="">Choose a view…</option>
            {(views.data ?? []).map((view) => (
              <option key={view.id} value={view.id}>
                {view.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Save this view as" error={save.errors.name}>
        {(props) => <input {...props} value={name} onInput={(event) => setName(event.currentTarget.value)} />}
      </Field>
      <button type="button" disabled={save.busy || name === ''} onClick={() => void save.submit()}>
        Save view
      </button>
      {save.error && !save.errors.name ? <Banner>{save.error}</Banner> : null}
    </fieldset>
  );
}
