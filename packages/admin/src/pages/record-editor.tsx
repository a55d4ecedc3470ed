import type { CollectionModel, RecordModel } from 'pocketbase';
import { useState } from 'preact/hooks';
import { type Page, pb } from '../api.ts';
import { useLoad } from '../ui/load.ts';
import { Banner, Field } from '../ui/parts.tsx';
import { useSubmit } from '../ui/use-submit.ts';
import { RecordRevisions } from './revisions.tsx';

type FieldModel = CollectionModel['fields'][number];
type Values = Record<string, any>;

const IMAGE = /\.(png|jpe?g|gif|webp)$/i;

/** The fields a superuser edits: all but the ones the server keeps (`tokenKey`, autodates, `id` once set). */
export function editableFields(collection: CollectionModel, creating: boolean): FieldModel[] {
  return collection.fields.filter(
    (field) => field.type !== 'autodate' && field.name !== 'tokenKey' && !(field.name === 'id' && !creating),
  );
}

/** Creates (no `record`) or edits a record: an input for each field type. */
export function RecordEditor({
  collection,
  record,
  onDone,
}: {
  collection: CollectionModel;
  record?: RecordModel;
  onDone: () => void;
}) {
  const creating = !record;
  const [values, setValues] = useState<Values>(() => ({ ...(record ?? {}) }));
  const [uploads, setUploads] = useState<Record<string, File[]>>({});
  const [removed, setRemoved] = useState<Record<string, string[]>>({});
  const [jsonErrors, setJsonErrors] = useState<Record<string, string>>({});
  const set = (name: string, value: unknown) => setValues((current) => ({ ...current, [name]: value }));
  const fields = editableFields(collection, creating);
  const { busy, error, errors, submit } = useSubmit(async () => {
    const body: Values = {};
    for (const field of fields) {
      const value = values[field.name];
      if (field.type === 'file') {
        if (uploads[field.name]?.length) body[`${field.name}+`] = uploads[field.name];
        if (removed[field.name]?.length) body[`${field.name}-`] = removed[field.name];
      } else if (field.type === 'password') {
        if (value) {
          body[field.name] = value;
          body[`${field.name}Confirm`] = values[`${field.name}Confirm`] ?? '';
        }
      } else if (field.type === 'json' || field.type === 'geoPoint') {
        if (value !== undefined)
          body[field.name] = typeof value === 'string' ? JSON.parse(value || 'null') : value;
      } else if (!(field.name === 'id' && !value)) {
        body[field.name] = value;
      }
    }
    const target = pb.collection(collection.name);
    if (creating) await target.create(body);
    else await target.update(record.id, body);
    onDone();
  });
  const remove = useSubmit(async () => {
    if (!record || !confirm('Delete this record?')) return;
    await pb.collection(collection.name).delete(record.id);
    onDone();
  });
  return (
    <form
      class="card editor"
      aria-label={creating ? 'New record' : `Record ${record.id}`}
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <h2>{creating ? 'New record' : `Record ${record.id}`}</h2>
      {error ? <Banner>{error}</Banner> : null}
      {fields.map((field) => (
        <Field
          key={field.id}
          label={`${field.name}${field.required ? ' *' : ''}`}
          error={errors[field.name] ?? jsonErrors[field.name]}
          hint={field.type}
        >
          {(props) => (
            <FieldInput
              props={props}
              field={field}
              record={record}
              value={values[field.name]}
              set={set}
              values={values}
              removed={removed[field.name] ?? []}
              onRemoved={(names) => setRemoved((current) => ({ ...current, [field.name]: names }))}
              onFiles={(files) => setUploads((current) => ({ ...current, [field.name]: files }))}
              onJsonError={(message) =>
                setJsonErrors((current) => ({ ...current, [field.name]: message ?? '' }))
              }
            />
          )}
        </Field>
      ))}
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {creating ? 'Create' : 'Save'}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        {!creating ? (
          <button type="button" class="danger" onClick={() => void remove.submit()}>
            Delete
          </button>
        ) : null}
      </div>
      {remove.error ? <Banner>{remove.error}</Banner> : null}
      {record ? <RecordRevisions collection={collection.name} id={record.id} onReverted={onDone} /> : null}
    </form>
  );
}

interface InputProps {
  props: Record<string, unknown>;
  field: FieldModel;
  record?: RecordModel;
  value: any;
  values: Values;
  set: (name: string, value: unknown) => void;
  removed: string[];
  onRemoved: (names: string[]) => void;
  onFiles: (files: File[]) => void;
  onJsonError: (message: string | undefined) => void;
}

function FieldInput({
  props,
  field,
  record,
  value,
  values,
  set,
  removed,
  onRemoved,
  onFiles,
  onJsonError,
}: InputProps) {
  const multiple = (field.maxSelect ?? 1) > 1;
  if (field.type === 'json' && field.system && field.name === 'roles')
    return <RolesPicker props={props} value={value} onChange={(ids) => set(field.name, ids)} />;
  switch (field.type) {
    case 'bool':
      return (
        <input
          {...props}
          type="checkbox"
          checked={Boolean(value)}
          onChange={(event) => set(field.name, event.currentTarget.checked)}
        />
      );
    case 'number':
      return (
        <input
          {...props}
          type="number"
          step="any"
          value={value ?? ''}
          onInput={(event) =>
            set(field.name, event.currentTarget.value === '' ? null : Number(event.currentTarget.value))
          }
        />
      );
    case 'select':
      return (
        <select
          {...props}
          multiple={multiple}
          value={value ?? (multiple ? [] : '')}
          onChange={(event) =>
            set(
              field.name,
              multiple
                ? [...event.currentTarget.selectedOptions].map((option) => option.value)
                : event.currentTarget.value,
            )
          }
        >
          {multiple ? null : <option value="">—</option>}
          {(field.values ?? []).map((item: string) => (
            <option key={item} value={item} selected={multiple ? (value ?? []).includes(item) : undefined}>
              {item}
            </option>
          ))}
        </select>
      );
    // a point is edited as its JSON, {"lon": …, "lat": …}
    case 'json':
    case 'geoPoint':
      return (
        <textarea
          {...props}
          class="code"
          rows={4}
          value={
            typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value, null, 2)
          }
          onInput={(event) => {
            const text = event.currentTarget.value;
            set(field.name, text);
            try {
              JSON.parse(text || 'null');
              onJsonError(undefined);
            } catch {
              onJsonError('Not valid JSON.');
            }
          }}
        />
      );
    case 'relation':
      return (
        <RelationPicker props={props} field={field} value={value} onChange={(ids) => set(field.name, ids)} />
      );
    case 'password':
      return (
        <span class="stack">
          <input
            {...props}
            type="password"
            autoComplete="new-password"
            value={value ?? ''}
            onInput={(event) => set(field.name, event.currentTarget.value)}
          />
          <input
            type="password"
            aria-label={`Confirm ${field.name}`}
            autoComplete="new-password"
            value={values[`${field.name}Confirm`] ?? ''}
            onInput={(event) => set(`${field.name}Confirm`, event.currentTarget.value)}
          />
        </span>
      );
    case 'file': {
      const current: string[] = Array.isArray(value) ? value : value ? [value] : [];
      return (
        <span class="stack">
          {record && current.length > 0 ? (
            <ul class="files">
              {current.map((name) => (
                <li key={name}>
                  {IMAGE.test(name) ? (
                    <img
                      src={pb.files.getURL(record, name, { thumb: '100x100' })}
                      alt={name}
                      width={50}
                      height={50}
                    />
                  ) : null}
                  <a href={pb.files.getURL(record, name)} target="_blank" rel="noreferrer">
                    {name}
                  </a>
                  <label class="check">
                    <input
                      type="checkbox"
                      checked={removed.includes(name)}
                      onChange={(event) =>
                        onRemoved(
                          event.currentTarget.checked
                            ? [...removed, name]
                            : removed.filter((item) => item !== name),
                        )
                      }
                    />
                    Remove
                  </label>
                </li>
              ))}
            </ul>
          ) : null}
          <input
            {...props}
            type="file"
            multiple={multiple}
            onChange={(event) => onFiles([...(event.currentTarget.files ?? [])])}
          />
        </span>
      );
    }
    default:
      return (
        <input
          {...props}
          type={(field.type === 'email' ? 'email' : field.type === 'url' ? 'url' : 'text') as 'text'}
          placeholder={field.type === 'date' ? 'YYYY-MM-DD HH:MM:SS.SSSZ' : undefined}
          value={value ?? ''}
          onInput={(event) => set(field.name, event.currentTarget.value)}
        />
      );
  }
}

/** A choice among the related collection's records, by their presentable field when there is one. */
/** An auth record's roles (the ids in its `roles` field), chosen by name among `/api/roles`. */
function RolesPicker({
  props,
  value,
  onChange,
}: {
  props: Record<string, unknown>;
  value: unknown;
  onChange: (ids: string[]) => void;
}) {
  const chosen: string[] = Array.isArray(value) ? value : [];
  const roles = useLoad(
    () =>
      pb.send<Page<{ id: string; name: string }>>('/api/roles', { query: { perPage: 500, sort: 'name' } }),
    [],
  );
  if (roles.error) return <p class="error-text">{roles.error}</p>;
  return (
    <select
      {...props}
      multiple
      onChange={(event) => onChange([...event.currentTarget.selectedOptions].map((option) => option.value))}
    >
      {(roles.data?.items ?? []).map((role) => (
        <option key={role.id} value={role.id} selected={chosen.includes(role.id)}>
          {role.name}
        </option>
      ))}
    </select>
  );
}

function RelationPicker({
  props,
  field,
  value,
  onChange,
}: {
  props: Record<string, unknown>;
  field: FieldModel;
  value: unknown;
  onChange: (ids: string | string[]) => void;
}) {
  const multiple = (field.maxSelect ?? 1) > 1;
  const chosen: string[] = Array.isArray(value) ? value : value ? [String(value)] : [];
  const options = useLoad(async () => {
    const target = await pb.collections.getOne(field.collectionId);
    const label = target.fields.find((candidate) => candidate.presentable)?.name;
    const list = await pb.collection(target.id).getList(1, 200, { sort: '-id' });
    return list.items.map((item) => ({
      id: item.id,
      label: label ? `${item[label]} (${item.id})` : item.id,
    }));
  }, [field.collectionId]);
  if (options.error) return <p class="error-text">{options.error}</p>;
  return (
    <select
      {...props}
      multiple={multiple}
      onChange={(event) => {
        const ids = [...event.currentTarget.selectedOptions].map((option) => option.value).filter(Boolean);
        onChange(multiple ? ids : (ids[0] ?? ''));
      }}
    >
      {multiple ? null : <option value="">—</option>}
      {(options.data ?? []).map((option) => (
        <option key={option.id} value={option.id} selected={chosen.includes(option.id)}>
          {option.label}
        </option>
      ))}
    </select>
  );
}
