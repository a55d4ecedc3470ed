import { useState } from 'preact/hooks';
import { pb } from '../api.ts';
import { useLoad } from '../ui/load.ts';
import { Field, LoadState } from '../ui/parts.tsx';

interface CatalogueRow {
  name: string;
  kinds: string[];
  description: string;
  tags: string | null;
  aliases: Record<string, string[]>;
  missingFeature: string | null;
}

const VOCABULARIES = ['canonical', 'pocketbase', 'directus', 'directus-legacy', 'kuzzle', 'qelos'] as const;

const namesIn = (row: CatalogueRow, vocabulary: string) =>
  vocabulary === 'canonical' ? [row.name] : (row.aliases[vocabulary] ?? []);

/** Every event, searchable, with its names in the vocabulary chosen. */
export function CataloguePage() {
  const catalogue = useLoad(() => pb.send<{ items: CatalogueRow[] }>('/api/catalogue', {}), []);
  const [vocabulary, setVocabulary] = useState<string>('pocketbase');
  const [search, setSearch] = useState('');
  const needle = search.trim().toLowerCase();
  return (
    <section>
      <h1>Event catalogue</h1>
      <div class="toolbar">
        <Field label="Vocabulary">
          {(props) => (
            <select
              {...props}
              value={vocabulary}
              onChange={(event) => setVocabulary(event.currentTarget.value)}
            >
              {VOCABULARIES.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Search">
          {(props) => (
            <input
              {...props}
              type="search"
              value={search}
              onInput={(event) => setSearch(event.currentTarget.value)}
            />
          )}
        </Field>
      </div>
      <LoadState loaded={catalogue} feature="The event catalogue">
        {({ items }) => {
          const rows = items.filter(
            (row) =>
              namesIn(row, vocabulary).length > 0 &&
              (needle === '' ||
                [row.name, row.description, ...namesIn(row, vocabulary)].some((text) =>
                  text.toLowerCase().includes(needle),
                )),
          );
          return (
            <div class="table-wrap">
              <table>
                <caption>
                  {rows.length} events with a name in {vocabulary}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Event</th>
                    <th scope="col">Name in {vocabulary}</th>
                    <th scope="col">Kinds</th>
                    <th scope="col">Description</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((row) => (
                    <tr key={row.name} class={row.missingFeature ? 'muted' : undefined}>
                      <td>
                        <code>{row.name}</code>
                        {row.missingFeature ? <span class="tag">needs {row.missingFeature}</span> : null}
                      </td>
                      <td>
                        {namesIn(row, vocabulary).map((name) => (
                          <code key={name} class="block">
                            {name}
                          </code>
                        ))}
                      </td>
                      <td>{row.kinds.join(', ')}</td>
                      <td>{row.description}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          );
        }}
      </LoadState>
    </section>
  );
}
