import { useEffect, useState } from 'preact/hooks';
import { pb } from '../api.ts';
import { navigate } from '../router.ts';
import { useLoad } from '../ui/load.ts';
import { Banner, Field, LoadState } from '../ui/parts.tsx';
import { useSubmit } from '../ui/use-submit.ts';
import { AuthOptions } from './auth-options.tsx';
import { useCollections } from './collections.tsx';
import { FIELD_TYPES, type FieldDraft, FieldOptions } from './field-options.tsx';

type Draft = Record<string, any> & { name: string; type: string; fields: FieldDraft[]; indexes: string[] };

const RULES = ['listRule', 'viewRule', 'createRule', 'updateRule', 'deleteRule'] as const;
const AUTH_RULES = ['authRule', 'manageRule'] as const;

const blank = (): Draft => ({
  name: '',
  type: 'base',
  fields: [],
  indexes: [],
  listRule: null,
  viewRule: null,
  createRule: null,
  updateRule: null,
  deleteRule: null,
});

/** Creates (no `name`) or edits a collection: fields, API rules, indexes and auth options. */
export function CollectionEditor({ name }: { name?: string }) {
  const loaded = useLoad(
    async () => (name ? ((await pb.collections.getOne(name)) as Draft) : blank()),
    [name],
  );
  return (
    <LoadState loaded={loaded} feature="Collections">
      {(collection) => <EditorForm key={collection.id ?? 'new'} initial={collection} />}
    </LoadState>
  );
}

function EditorForm({ initial }: { initial: Draft }) {
  const [draft, setDraft] = useState<Draft>(initial);
  const [saved, setSaved] = useState(false);
  const collections = useCollections();
  const creating = !initial.id;
  const set = (key: string, value: unknown) => {
    setSaved(false);
    setDraft((current) => ({ ...current, [key]: value }));
  };
  const setField = (index: number, key: string, value: unknown) =>
    set(
      'fields',
      draft.fields.map((field, at) => (at === index ? { ...field, [key]: value } : field)),
    );
  const { busy, error, errors, submit } = useSubmit(async () => {
    const result = creating
      ? await pb.collections.create(draft)
      : await pb.collections.update(initial.id, draft);
    setSaved(true);
    if (creating) navigate(`/collections/${encodeURIComponent(result.name)}/edit`);
    else setDraft(result as Draft);
  });
  const remove = useSubmit(async () => {
    if (!confirm(`Delete the collection "${initial.name}" and all its records?`)) return;
    await pb.collections.delete(initial.id);
    navigate('/collections');
  });
  useEffect(() => {
    if (error) document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [error]);
  const ruleField = (key: string) => (
    <Field
      key={key}
      label={key}
      error={errors[key]}
      hint={
        draft[key] === null ? 'Locked: superusers only.' : draft[key] === '' ? 'Public: anyone.' : undefined
      }
    >
      {(props) => (
        <div class="rule">
          <textarea
            {...props}
            class="code"
            rows={1}
            disabled={draft[key] === null}
            value={draft[key] ?? ''}
            onInput={(event) => set(key, event.currentTarget.value)}
          />
          <label class="check">
            <input
              type="checkbox"
              checked={draft[key] === null}
              onChange={(event) => set(key, event.currentTarget.checked ? null : '')}
            />
            Superusers only
          </label>
        </div>
      )}
    </Field>
  );
  return (
    <form
      class="editor"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <div class="heading">
        <h1>{creating ? 'New collection' : `Edit ${initial.name}`}</h1>
        {!creating ? <a href={`#/collections/${encodeURIComponent(initial.name)}`}>Records</a> : null}
      </div>
      {error ? <Banner>{error}</Banner> : null}
      {saved ? <Banner kind="ok">Saved.</Banner> : null}
      <fieldset>
        <legend>Collection</legend>
        <Field label="Name" error={errors.name}>
          {(props) => (
            <input
              {...props}
              required
              disabled={initial.system}
              value={draft.name}
              onInput={(event) => set('name', event.currentTarget.value)}
            />
          )}
        </Field>
        <Field label="Type" error={errors.type}>
          {(props) => (
            <select
              {...props}
              disabled={!creating}
              value={draft.type}
              onChange={(event) => set('type', event.currentTarget.value)}
            >
              <option value="base">base</option>
              <option value="auth">auth</option>
            </select>
          )}
        </Field>
      </fieldset>
      <fieldset>
        <legend>Fields</legend>
        {errors.fields ? <p class="error-text">{errors.fields}</p> : null}
        {draft.fields.map((field, index) => {
          const path = `fields.${index}`;
          const locked = Boolean(field.system);
          return (
            <fieldset class="field-row" key={field.id ?? `new-${index}`}>
              <legend class="visually-hidden">Field {field.name || index + 1}</legend>
              <div class="row">
                <Field label="Field name" error={errors[`${path}.name`] ?? errors[path]}>
                  {(props) => (
                    <input
                      {...props}
                      required
                      disabled={locked}
                      value={field.name}
                      onInput={(event) => setField(index, 'name', event.currentTarget.value)}
                    />
                  )}
                </Field>
                <Field label="Field type" error={errors[`${path}.type`]}>
                  {(props) => (
                    <select
                      {...props}
                      disabled={locked || Boolean(field.id)}
                      value={field.type}
                      onChange={(event) => setField(index, 'type', event.currentTarget.value)}
                    >
                      {FIELD_TYPES.map((type) => (
                        <option key={type} value={type}>
                          {type}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <label class="check">
                  <input
                    type="checkbox"
                    disabled={locked}
                    checked={Boolean(field.required)}
                    onChange={(event) => setField(index, 'required', event.currentTarget.checked)}
                  />
                  Required
                </label>
                <label class="check">
                  <input
                    type="checkbox"
                    disabled={locked}
                    checked={Boolean(field.hidden)}
                    onChange={(event) => setField(index, 'hidden', event.currentTarget.checked)}
                  />
                  Hidden
                </label>
                {!locked ? (
                  <button
                    type="button"
                    class="link danger"
                    onClick={() =>
                      set(
                        'fields',
                        draft.fields.filter((_, at) => at !== index),
                      )
                    }
                  >
                    Remove field
                  </button>
                ) : (
                  <span class="tag">system</span>
                )}
              </div>
              <FieldOptions
                field={field}
                path={path}
                errors={errors}
                collections={collections.data ?? []}
                disabled={locked}
                onChange={(key, value) => setField(index, key, value)}
              />
            </fieldset>
          );
        })}
        <button type="button" onClick={() => set('fields', [...draft.fields, { name: '', type: 'text' }])}>
          Add field
        </button>
      </fieldset>
      <fieldset>
        <legend>API rules</legend>
        <p class="hint">
          Filter expressions, e.g. <code>@request.auth.id != ""</code>. Empty: anyone; locked: superusers
          only.
        </p>
        {RULES.map(ruleField)}
        {draft.type === 'auth' ? AUTH_RULES.map(ruleField) : null}
      </fieldset>
      <fieldset>
        <legend>Indexes</legend>
        <Field label="Indexes (one CREATE INDEX statement a line)" error={errors.indexes}>
          {(props) => (
            <textarea
              {...props}
              class="code"
              rows={3}
              value={draft.indexes.join('\n')}
              onInput={(event) =>
                set(
                  'indexes',
                  event.currentTarget.value.split('\n').filter((line) => line.trim() !== ''),
                )
              }
            />
          )}
        </Field>
      </fieldset>
      {draft.type === 'auth' && !creating ? <AuthOptions draft={draft} errors={errors} set={set} /> : null}
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {creating ? 'Create' : 'Save'}
        </button>
        {!creating && !initial.system ? (
          <button type="button" class="danger" onClick={() => void remove.submit()}>
            Delete collection
          </button>
        ) : null}
      </div>
      {remove.error ? <Banner>{remove.error}</Banner> : null}
    </form>
  );
}
