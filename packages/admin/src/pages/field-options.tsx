import type { CollectionModel } from 'pocketbase';
import type { FieldErrors } from '../api.ts';
import { Field } from '../ui/parts.tsx';

export const FIELD_TYPES = [
  'text',
  'number',
  'bool',
  'email',
  'url',
  'date',
  'autodate',
  'select',
  'json',
  'relation',
  'password',
  'file',
  'editor',
  'geoPoint',
] as const;

export type FieldDraft = Record<string, any> & { name: string; type: string };

type Option = { key: string; label: string; kind: 'number' | 'text' | 'list' | 'bool' | 'collection' };

const OPTIONS: Record<string, Option[]> = {
  text: [
    { key: 'min', label: 'Min length', kind: 'number' },
    { key: 'max', label: 'Max length', kind: 'number' },
    { key: 'pattern', label: 'Pattern (regular expression)', kind: 'text' },
  ],
  password: [
    { key: 'min', label: 'Min length', kind: 'number' },
    { key: 'max', label: 'Max length', kind: 'number' },
  ],
  number: [
    { key: 'min', label: 'Min', kind: 'number' },
    { key: 'max', label: 'Max', kind: 'number' },
    { key: 'onlyInt', label: 'Integers only', kind: 'bool' },
  ],
  email: [
    { key: 'onlyDomains', label: 'Only domains', kind: 'list' },
    { key: 'exceptDomains', label: 'Except domains', kind: 'list' },
  ],
  url: [
    { key: 'onlyDomains', label: 'Only domains', kind: 'list' },
    { key: 'exceptDomains', label: 'Except domains', kind: 'list' },
  ],
  date: [
    { key: 'min', label: 'Min date', kind: 'text' },
    { key: 'max', label: 'Max date', kind: 'text' },
  ],
  autodate: [
    { key: 'onCreate', label: 'Set on create', kind: 'bool' },
    { key: 'onUpdate', label: 'Set on update', kind: 'bool' },
  ],
  select: [
    { key: 'values', label: 'Values', kind: 'list' },
    { key: 'maxSelect', label: 'Max selected', kind: 'number' },
  ],
  json: [{ key: 'maxSize', label: 'Max size (bytes)', kind: 'number' }],
  editor: [
    { key: 'maxSize', label: 'Max size (bytes)', kind: 'number' },
    { key: 'convertURLs', label: 'Convert URLs', kind: 'bool' },
  ],
  relation: [
    { key: 'collectionId', label: 'Related collection', kind: 'collection' },
    { key: 'maxSelect', label: 'Max selected', kind: 'number' },
    { key: 'cascadeDelete', label: 'Delete with the related record', kind: 'bool' },
  ],
  file: [
    { key: 'maxSelect', label: 'Max files', kind: 'number' },
    { key: 'maxSize', label: 'Max size (bytes)', kind: 'number' },
    { key: 'mimeTypes', label: 'MIME types', kind: 'list' },
    { key: 'thumbs', label: 'Thumb sizes (e.g. 100x100)', kind: 'list' },
    { key: 'protected', label: 'Protected (needs a file token)', kind: 'bool' },
  ],
};

const listText = (value: unknown) => (Array.isArray(value) ? value.join(', ') : '');
const listValue = (text: string) =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

/** The options of one field's type, each with the server's message for it. */
export function FieldOptions({
  field,
  path,
  errors,
  collections,
  disabled,
  onChange,
}: {
  field: FieldDraft;
  path: string;
  errors: FieldErrors;
  collections: CollectionModel[];
  disabled: boolean;
  onChange: (key: string, value: unknown) => void;
}) {
  return (
    <div class="options">
      {(OPTIONS[field.type] ?? []).map((option) =>
        option.kind === 'bool' ? (
          <label key={option.key} class="check">
            <input
              type="checkbox"
              disabled={disabled}
              checked={Boolean(field[option.key])}
              onChange={(event) => onChange(option.key, event.currentTarget.checked)}
            />
            {option.label}
          </label>
        ) : (
          <Field key={option.key} label={option.label} error={errors[`${path}.${option.key}`]}>
            {(props) =>
              option.kind === 'collection' ? (
                <select
                  {...props}
                  disabled={disabled}
                  value={field.collectionId ?? ''}
                  onChange={(event) => onChange('collectionId', event.currentTarget.value)}
                >
                  <option value="">Choose…</option>
                  {collections.map((collection) => (
                    <option key={collection.id} value={collection.id}>
                      {collection.name}
                    </option>
                  ))}
                </select>
              ) : (
                <input
                  {...props}
                  disabled={disabled}
                  type={(option.kind === 'number' ? 'number' : 'text') as 'text'}
                  value={option.kind === 'list' ? listText(field[option.key]) : (field[option.key] ?? '')}
                  onChange={(event) => {
                    const text = event.currentTarget.value;
                    onChange(
                      option.key,
                      option.kind === 'list'
                        ? listValue(text)
                        : option.kind === 'number'
                          ? text === ''
                            ? null
                            : Number(text)
                          : text,
                    );
                  }}
                />
              )
            }
          </Field>
        ),
      )}
    </div>
  );
}
