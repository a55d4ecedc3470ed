import type { CollectionType, Field, FieldType } from './types.ts';

export const fieldTypes: readonly FieldType[] = [
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
];

/** select, relation and file fields hold a JSON array when they may hold more than one value. */
export function isMultiple(field: Field): boolean {
  return (
    (field.type === 'select' || field.type === 'relation' || field.type === 'file') &&
    (field.maxSelect ?? 1) > 1
  );
}

export type StorageKind = 'text' | 'number' | 'bool' | 'json' | 'multiple' | 'point';

export function storageKind(field: Field): StorageKind {
  if (isMultiple(field)) return 'multiple';
  if (field.type === 'number') return 'number';
  if (field.type === 'bool') return 'bool';
  if (field.type === 'json') return 'json';
  if (field.type === 'geoPoint') return 'point';
  return 'text';
}

const idField: Field = {
  id: 'text3208210256',
  name: 'id',
  type: 'text',
  system: true,
  primaryKey: true,
  required: true,
  hidden: false,
  presentable: false,
  min: 15,
  max: 15,
  pattern: '^[a-z0-9]+$',
  autogeneratePattern: '[a-z0-9]{15}',
};

const createdField: Field = {
  id: 'autodate2990389176',
  name: 'created',
  type: 'autodate',
  system: true,
  hidden: false,
  presentable: false,
  onCreate: true,
  onUpdate: false,
};

const updatedField: Field = {
  id: 'autodate3332085495',
  name: 'updated',
  type: 'autodate',
  system: true,
  hidden: false,
  presentable: false,
  onCreate: true,
  onUpdate: true,
};

const authFields: Field[] = [
  {
    id: 'password901924565',
    name: 'password',
    type: 'password',
    system: true,
    hidden: true,
    required: true,
    presentable: false,
    min: 8,
    max: 0,
    pattern: '',
  },
  {
    id: 'text2504183744',
    name: 'tokenKey',
    type: 'text',
    system: true,
    hidden: true,
    required: true,
    presentable: false,
    min: 30,
    max: 60,
    pattern: '',
    autogeneratePattern: '[a-zA-Z0-9]{50}',
  },
  {
    id: 'email3885137012',
    name: 'email',
    type: 'email',
    system: true,
    hidden: false,
    required: true,
    presentable: false,
    onlyDomains: [],
    exceptDomains: [],
  },
  {
    id: 'bool1547992806',
    name: 'emailVisibility',
    type: 'bool',
    system: true,
    hidden: false,
    presentable: false,
  },
  { id: 'bool256245529', name: 'verified', type: 'bool', system: true, hidden: false, presentable: false },
  // The ids of the record's roles: a JSON list, since a relation targets a collection and `_roles`
  // is a system table, and a select's values are fixed (docs/activity.md#roles-and-permissions).
  {
    id: 'json3057528519',
    name: 'roles',
    type: 'json',
    system: true,
    hidden: false,
    presentable: false,
    maxSize: 0,
  },
];

/** The auth records' system field holding their role ids. */
export const ROLES_FIELD = 'roles';

/** Whether `field` is the `roles` system field of an auth collection. */
export function isRolesField(field: Field): boolean {
  return field.system === true && field.name === ROLES_FIELD && field.type === 'json';
}

function copy(field: Field): Field {
  return structuredClone(field);
}

/** System fields that lead the field list, in order. */
export function leadingSystemFields(type: CollectionType): Field[] {
  return [idField, ...(type === 'auth' ? authFields : [])].map(copy);
}

/** System fields that close the field list, in order. */
export function trailingSystemFields(): Field[] {
  return [createdField, updatedField].map(copy);
}

export function systemFields(type: CollectionType): Field[] {
  return [...leadingSystemFields(type), ...trailingSystemFields()];
}
