import { randomInt } from 'node:crypto';
import { type ErrorDetails, InvalidPayloadError } from '@sluice/hooks';
import { parseThumbSize } from '../files/thumbs.ts';
import { isJsonObject } from '../json.ts';
import { formatDate, nowDate, parseDate } from '../records/dates.ts';
import { readMFA, readOAuth2, readOTP } from './auth-methods-options.ts';
import { fieldTypes, leadingSystemFields, trailingSystemFields } from './fields.ts';
import { newId } from './ids.ts';
import { parseIndex, retargetIndex } from './indexes.ts';
import { ruleKeys, ruleProblems } from './rules.ts';
import type {
  Collection,
  CollectionType,
  EmailTemplate,
  Field,
  FieldType,
  Rule,
  TokenOptions,
  Tracking,
} from './types.ts';

export interface NormalizeOptions {
  /** Lets the input create a system collection (a name starting with `_`); never set from API input. */
  allowSystem?: boolean;
  /** Resolves relation targets and detects a name already taken by another collection. */
  getCollection?: (idOrName: string) => Collection | undefined;
}

const namePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;
const maxNameLength = 100;
const customIdPattern = /^[A-Za-z0-9_]{1,100}$/;
const systemTables = new Set(['_collections', '_params', '_migrations']);
const reservedFieldNames = new Set(['expand', 'collectionid', 'collectionname']);
const reservedAuthFieldNames = new Set(['passwordconfirm', 'oldpassword']);

const tokenDefaults = {
  authToken: 604800,
  verificationToken: 259200,
  passwordResetToken: 1800,
  emailChangeToken: 1800,
  fileToken: 180,
} as const;

type Input = Record<string, unknown>;

class Problems {
  readonly details: ErrorDetails = {};

  add(key: string, code: string, message: string): void {
    if (!(key in this.details)) this.details[key] = { code: `validation_${code}`, message };
  }

  get empty(): boolean {
    return Object.keys(this.details).length === 0;
  }
}

interface Context {
  problems: Problems;
  ownId: string;
  ownName: string;
  getCollection?: NormalizeOptions['getCollection'];
}

/** Validates a create (no `existing`) or update body and returns the full collection. */
export function normalizeCollection(
  input: unknown,
  existing?: Collection,
  options: NormalizeOptions = {},
): Collection {
  if (!isJsonObject(input)) throw new InvalidPayloadError('The collection must be a JSON object.');
  const problems = new Problems();
  const now = nowDate();
  const system = existing ? existing.system : options.allowSystem === true && input.system === true;
  const type = readType(input, existing, problems);
  const id = existing ? existing.id : readCollectionId(input, problems);
  const name = readName(input, existing, system, problems, options);
  const context: Context = { problems, ownId: id, ownName: name, getCollection: options.getCollection };
  const fields = normalizeFields(input.fields, existing, type, context);

  const collection: Collection = {
    id,
    name,
    type,
    system,
    fields,
    indexes: normalizeIndexes(input, existing, name, problems),
    listRule: null,
    viewRule: null,
    createRule: null,
    updateRule: null,
    deleteRule: null,
    created: existing?.created ?? now,
    updated: now,
  };
  for (const key of ruleKeys) collection[key] = readRule(input, key, existing?.[key] ?? null, problems);
  if (type === 'auth') readAuthOptions(input, existing, collection, problems);
  readTracking(input, existing, collection, problems);
  // against fields that are themselves invalid, a rule's problems would only mislead
  if (problems.empty) Object.assign(problems.details, ruleProblems(collection, options.getCollection));

  if (!problems.empty) throw new InvalidPayloadError('Failed to validate the collection.', problems.details);
  return collection;
}

const trackings: readonly string[] = ['all', 'activity', 'none'];

function readTracking(
  input: Input,
  existing: Collection | undefined,
  collection: Collection,
  problems: Problems,
) {
  const tracking = input.tracking ?? existing?.tracking;
  if (tracking === undefined || tracking === 'all') return;
  if (typeof tracking === 'string' && trackings.includes(tracking))
    collection.tracking = tracking as Tracking;
  else problems.add('tracking', 'invalid_value', 'Must be "all", "activity" or "none".');
}

function readType(input: Input, existing: Collection | undefined, problems: Problems): CollectionType {
  const type = input.type ?? existing?.type ?? 'base';
  if (type !== 'base' && type !== 'auth') {
    problems.add('type', 'invalid_type', 'Must be "base" or "auth".');
    return existing?.type ?? 'base';
  }
  if (existing && type !== existing.type) {
    problems.add('type', 'collection_type_change', 'The type of a collection cannot be changed.');
    return existing.type;
  }
  return type;
}

function readCollectionId(input: Input, problems: Problems): string {
  if (input.id === undefined || input.id === null || input.id === '') return newId();
  if (typeof input.id !== 'string' || !customIdPattern.test(input.id)) {
    problems.add('id', 'invalid_id', 'Must be 1 to 100 letters, digits or underscores.');
    return newId();
  }
  return input.id;
}

function readName(
  input: Input,
  existing: Collection | undefined,
  system: boolean,
  problems: Problems,
  options: NormalizeOptions,
): string {
  const name = input.name === undefined ? existing?.name : input.name;
  const fallback = existing?.name ?? '';
  if (typeof name !== 'string' || name === '') {
    problems.add('name', 'required', 'Cannot be blank.');
    return fallback;
  }
  if (name.length > maxNameLength) {
    problems.add('name', 'length_out_of_range', `Must be at most ${maxNameLength} characters.`);
    return fallback;
  }
  if (!namePattern.test(name)) {
    problems.add(
      'name',
      'invalid_name',
      'Must start with a letter or underscore and hold only letters, digits and underscores.',
    );
    return fallback;
  }
  if (existing?.system && name !== existing.name) {
    problems.add('name', 'system_collection_rename', 'A system collection cannot be renamed.');
    return fallback;
  }
  if ((name.startsWith('_') && !system) || systemTables.has(name.toLowerCase())) {
    problems.add('name', 'reserved_name', 'Names starting with "_" are reserved.');
    return fallback;
  }
  const taken = options.getCollection?.(name);
  if (taken && taken.id !== existing?.id) {
    problems.add('name', 'collection_name_exists', 'A collection with this name already exists.');
  }
  return name;
}

function readRule(input: Input, key: string, fallback: Rule, problems: Problems): Rule {
  if (!(key in input)) return fallback;
  const rule = input[key];
  if (rule === null || typeof rule === 'string') return rule;
  problems.add(key, 'invalid_rule', 'Must be a string or null.');
  return fallback;
}

function readAuthOptions(
  input: Input,
  existing: Collection | undefined,
  collection: Collection,
  problems: Problems,
) {
  collection.authRule = readRule(input, 'authRule', existing?.authRule ?? '', problems);
  collection.manageRule = readRule(input, 'manageRule', existing?.manageRule ?? null, problems);

  const fieldNames = new Set(collection.fields.map((field) => field.name));
  const previous = existing?.passwordAuth ?? { enabled: true, identityFields: ['email'] };
  const passwordAuth = { enabled: previous.enabled, identityFields: [...previous.identityFields] };
  if (input.passwordAuth !== undefined) {
    const raw = input.passwordAuth;
    if (!isJsonObject(raw)) problems.add('passwordAuth', 'invalid_value', 'Must be an object.');
    else {
      if (raw.enabled !== undefined) {
        if (typeof raw.enabled === 'boolean') passwordAuth.enabled = raw.enabled;
        else problems.add('passwordAuth.enabled', 'invalid_bool', 'Must be a boolean.');
      }
      if (raw.identityFields !== undefined) {
        const names = raw.identityFields;
        if (!Array.isArray(names) || !names.every((name) => typeof name === 'string')) {
          problems.add('passwordAuth.identityFields', 'invalid_value', 'Must be a list of field names.');
        } else if (!names.every((name) => fieldNames.has(name))) {
          problems.add(
            'passwordAuth.identityFields',
            'unknown_field',
            'Every identity field must be a field.',
          );
        } else passwordAuth.identityFields = [...names];
      }
    }
  }
  if (passwordAuth.enabled && passwordAuth.identityFields.length === 0) {
    problems.add('passwordAuth.identityFields', 'required', 'At least one identity field is needed.');
  }
  collection.passwordAuth = passwordAuth;

  for (const [key, fallback] of Object.entries(tokenDefaults) as [keyof typeof tokenDefaults, number][]) {
    collection[key] = readToken(input[key], key, existing?.[key] ?? { duration: fallback }, problems);
  }
  for (const key of templateKeys) {
    const template = readTemplate(input, key, existing?.[key], problems);
    if (template) collection[key] = template;
  }
  collection.oauth2 = readOAuth2(input.oauth2, existing?.oauth2, fieldNames, problems);
  if (collection.oauth2.enabled && collection.name === '_superusers') {
    problems.add('oauth2.enabled', 'not_supported', 'Superusers cannot sign in with OAuth2.');
  }
  collection.otp = readOTP(input.otp, existing?.otp, problems);
  collection.mfa = readMFA(input.mfa, existing?.mfa, problems);
}

const templateKeys = ['verificationTemplate', 'resetPasswordTemplate', 'confirmEmailChangeTemplate'] as const;
const templateParts = ['subject', 'body', 'actionUrl'] as const;

/** An email template override: `null` (or nothing set) leaves the default in use. */
function readTemplate(
  input: Input,
  key: string,
  fallback: Partial<EmailTemplate> | undefined,
  problems: Problems,
): Partial<EmailTemplate> | undefined {
  if (!(key in input)) return fallback && { ...fallback };
  const raw = input[key];
  if (raw === null) return undefined;
  if (!isJsonObject(raw)) {
    problems.add(key, 'invalid_value', 'Must be an object.');
    return fallback;
  }
  const template: Partial<EmailTemplate> = {};
  for (const part of templateParts) {
    const value = raw[part];
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'string') problems.add(`${key}.${part}`, 'invalid_value', 'Must be a string.');
    else template[part] = value;
  }
  return Object.keys(template).length > 0 ? template : undefined;
}

function readToken(raw: unknown, key: string, fallback: TokenOptions, problems: Problems): TokenOptions {
  if (raw === undefined) return { ...fallback };
  if (!isJsonObject(raw)) {
    problems.add(key, 'invalid_value', 'Must be an object.');
    return { ...fallback };
  }
  const duration = raw.duration ?? fallback.duration;
  if (typeof duration !== 'number' || !Number.isSafeInteger(duration) || duration <= 0) {
    problems.add(`${key}.duration`, 'invalid_duration', 'Must be a positive number of seconds.');
    return { ...fallback };
  }
  return { duration };
}

function normalizeIndexes(
  input: Input,
  existing: Collection | undefined,
  name: string,
  problems: Problems,
): string[] {
  if (input.indexes === undefined) {
    const kept = existing?.indexes ?? [];
    return existing && existing.name !== name ? kept.map((sql) => retargetIndex(sql, name)) : [...kept];
  }
  if (!Array.isArray(input.indexes)) {
    problems.add('indexes', 'invalid_value', 'Must be a list of CREATE INDEX statements.');
    return existing?.indexes ?? [];
  }
  const indexNames = new Set<string>();
  const tables = new Set([name.toLowerCase(), existing?.name.toLowerCase()]);
  return input.indexes.map((sql, i) => {
    const index = typeof sql === 'string' ? parseIndex(sql) : undefined;
    if (!index || !tables.has(index.table.toLowerCase())) {
      problems.add(
        `indexes.${i}`,
        'invalid_index_expression',
        `Must be "CREATE [UNIQUE] INDEX name ON ${name} (…)".`,
      );
      return String(sql);
    }
    if (indexNames.has(index.name.toLowerCase())) {
      problems.add(`indexes.${i}`, 'not_unique', 'Index names must be unique.');
    }
    indexNames.add(index.name.toLowerCase());
    return index.table === name ? (sql as string) : retargetIndex(sql as string, name);
  });
}

function normalizeFields(
  raw: unknown,
  existing: Collection | undefined,
  type: CollectionType,
  context: Context,
): Field[] {
  const { problems } = context;
  const previous = existing?.fields ?? [];
  if (raw === undefined)
    return existing ? structuredClone(previous) : [...leadingSystemFields(type), ...trailingSystemFields()];
  const byId = new Map(previous.map((field) => [field.id, field]));
  const byName = new Map(previous.map((field) => [field.name.toLowerCase(), field]));
  const canonical = new Map(
    [...leadingSystemFields(type), ...trailingSystemFields()].map((field) => [
      field.name.toLowerCase(),
      field,
    ]),
  );
  if (!Array.isArray(raw)) {
    problems.add('fields', 'invalid_value', 'Must be a list of fields.');
    return structuredClone(previous);
  }

  const fields: Field[] = [];
  const names = new Set<string>();
  const ids = new Set<string>();
  raw.forEach((item, i) => {
    const key = `fields.${i}`;
    if (!isJsonObject(item)) {
      problems.add(key, 'invalid_value', 'Must be an object.');
      return;
    }
    const name = readFieldName(item, key, problems);
    const fieldType = readFieldType(item, key, problems);
    const rawId = typeof item.id === 'string' && item.id !== '' ? item.id : undefined;
    let prior = rawId === undefined ? undefined : byId.get(rawId);
    if (!prior && rawId === undefined && name !== undefined) {
      const sameName = byName.get(name.toLowerCase());
      if (sameName && !ids.has(sameName.id)) prior = sameName;
    }
    const systemField = prior?.system ? prior : prior ? undefined : canonical.get(name?.toLowerCase() ?? '');

    let field: Field | undefined;
    if (systemField) {
      if (fieldType !== undefined && fieldType !== systemField.type) {
        problems.add(
          `${key}.type`,
          'system_field_type_change',
          'The type of a system field cannot be changed.',
        );
      }
      if (name !== undefined && name !== systemField.name) {
        problems.add(`${key}.name`, 'system_field_rename', 'A system field cannot be renamed.');
      }
      field = structuredClone(systemField);
      if (typeof item.presentable === 'boolean') field.presentable = item.presentable;
    } else if (name !== undefined && fieldType !== undefined) {
      if (prior && prior.type !== fieldType) {
        problems.add(`${key}.type`, 'field_type_change', 'The type of an existing field cannot be changed.');
      }
      if (
        reservedFieldNames.has(name.toLowerCase()) ||
        (type === 'auth' && reservedAuthFieldNames.has(name.toLowerCase()))
      ) {
        problems.add(`${key}.name`, 'reserved_field_name', `"${name}" is reserved.`);
      }
      if (!prior && rawId !== undefined && !customIdPattern.test(rawId)) {
        problems.add(`${key}.id`, 'invalid_id', 'Must be 1 to 100 letters, digits or underscores.');
      }
      const id = prior?.id ?? rawId ?? `${fieldType}${randomInt(1e9, 1e10)}`;
      field = normalizeField(item, { id, name, type: fieldType, system: false }, key, context);
    }
    if (!field) return;
    if (names.has(field.name.toLowerCase())) {
      problems.add(`${key}.name`, 'not_unique', 'Field names must be unique.');
    }
    if (ids.has(field.id)) problems.add(`${key}.id`, 'not_unique', 'Field ids must be unique.');
    names.add(field.name.toLowerCase());
    ids.add(field.id);
    fields.push(field);
  });

  const keep = (field: Field) => !ids.has(field.id) && !names.has(field.name.toLowerCase());
  const existingSystem = (field: Field) => structuredClone(byName.get(field.name.toLowerCase()) ?? field);
  // a leading system field left out goes back after the one before it (`roles` after `verified`)
  let after = -1;
  for (const field of leadingSystemFields(type)) {
    const given = fields.findIndex((candidate) => candidate.name.toLowerCase() === field.name.toLowerCase());
    if (given >= 0) after = given;
    else if (keep(field)) fields.splice(++after, 0, existingSystem(field));
  }
  const trailing = trailingSystemFields().filter(keep).map(existingSystem);
  return [...fields, ...trailing];
}

function readFieldName(item: Input, key: string, problems: Problems): string | undefined {
  const name = item.name;
  if (typeof name !== 'string' || name === '') {
    problems.add(`${key}.name`, 'required', 'Cannot be blank.');
    return undefined;
  }
  if (name.length > maxNameLength || !namePattern.test(name)) {
    problems.add(
      `${key}.name`,
      'invalid_name',
      'Must start with a letter or underscore and hold only letters, digits and underscores (at most 100).',
    );
    return undefined;
  }
  return name;
}

function readFieldType(item: Input, key: string, problems: Problems): FieldType | undefined {
  if (typeof item.type === 'string' && (fieldTypes as readonly string[]).includes(item.type)) {
    return item.type as FieldType;
  }
  problems.add(`${key}.type`, 'invalid_type', `Must be one of: ${fieldTypes.join(', ')}.`);
  return undefined;
}

class FieldReader {
  constructor(
    private readonly item: Input,
    private readonly key: string,
    private readonly problems: Problems,
  ) {}

  private fail(prop: string, code: string, message: string): undefined {
    this.problems.add(`${this.key}.${prop}`, code, message);
    return undefined;
  }

  private absent(prop: string): boolean {
    return this.item[prop] === undefined || this.item[prop] === null;
  }

  bool(prop: string): boolean {
    if (this.absent(prop)) return false;
    if (typeof this.item[prop] === 'boolean') return this.item[prop] as boolean;
    this.fail(prop, 'invalid_bool', 'Must be a boolean.');
    return false;
  }

  count(prop: string, fallback: number, least = 0): number {
    if (this.absent(prop)) return fallback;
    const value = this.item[prop];
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= least) return value;
    this.fail(prop, 'invalid_number', `Must be a whole number, at least ${least}.`);
    return fallback;
  }

  number(prop: string): number | null {
    if (this.absent(prop)) return null;
    const value = this.item[prop];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    this.fail(prop, 'invalid_number', 'Must be a number or null.');
    return null;
  }

  string(prop: string): string {
    if (this.absent(prop)) return '';
    if (typeof this.item[prop] === 'string') return this.item[prop] as string;
    this.fail(prop, 'invalid_string', 'Must be a string.');
    return '';
  }

  regex(prop: string): string {
    const source = this.string(prop);
    if (source === '') return '';
    try {
      new RegExp(source);
      return source;
    } catch {
      this.fail(prop, 'invalid_regex', 'Must be a valid regular expression.');
      return '';
    }
  }

  strings(prop: string, check?: (value: string) => boolean): string[] {
    if (this.absent(prop)) return [];
    const value = this.item[prop];
    if (
      Array.isArray(value) &&
      value.every((entry) => typeof entry === 'string' && (!check || check(entry)))
    ) {
      return [...new Set(value as string[])];
    }
    this.fail(prop, 'invalid_value', 'Must be a list of valid strings.');
    return [];
  }

  date(prop: string): string {
    if (this.absent(prop) || this.item[prop] === '') return '';
    const date = parseDate(this.item[prop]);
    if (date) return formatDate(date);
    this.fail(prop, 'invalid_date', 'Must be a date.');
    return '';
  }

  range(min: number | string | null, max: number | string | null, limitless: unknown = 0): void {
    if (min === null || max === null || max === limitless || min === '' || max === '') return;
    if (min > max) this.fail('max', 'min_greater_equal_than_max', 'Must be greater than or equal to min.');
  }

  check(prop: string, ok: boolean, code: string, message: string): void {
    if (!ok) this.fail(prop, code, message);
  }
}

function normalizeField(item: Input, base: Field, key: string, context: Context): Field {
  const read = new FieldReader(item, key, context.problems);
  const field: Field = {
    ...base,
    hidden: read.bool('hidden'),
    presentable: read.bool('presentable'),
    required: read.bool('required'),
  };
  switch (base.type) {
    case 'text':
    case 'password': {
      field.min = read.count('min', 0);
      field.max = read.count('max', 0);
      field.pattern = read.regex('pattern');
      read.range(field.min, field.max);
      if (base.type === 'text') {
        field.autogeneratePattern = read.regex('autogeneratePattern');
        field.primaryKey = false;
      }
      break;
    }
    case 'number': {
      field.min = read.number('min');
      field.max = read.number('max');
      field.onlyInt = read.bool('onlyInt');
      read.range(field.min, field.max, null);
      break;
    }
    case 'email':
    case 'url': {
      field.onlyDomains = read.strings('onlyDomains');
      field.exceptDomains = read.strings('exceptDomains');
      read.check(
        'exceptDomains',
        field.onlyDomains.length === 0 || field.exceptDomains.length === 0,
        'domains_conflict',
        'Use either onlyDomains or exceptDomains, not both.',
      );
      break;
    }
    case 'date': {
      field.min = read.date('min');
      field.max = read.date('max');
      read.range(field.min, field.max);
      break;
    }
    case 'autodate': {
      field.onCreate = read.bool('onCreate');
      field.onUpdate = read.bool('onUpdate');
      read.check('onCreate', field.onCreate || field.onUpdate, 'required', 'Set onCreate, onUpdate or both.');
      delete field.required;
      break;
    }
    case 'select': {
      field.values = read.strings('values', (value) => value !== '');
      read.check('values', field.values.length > 0, 'required', 'At least one value is needed.');
      field.maxSelect = read.count('maxSelect', 1, 1);
      read.check(
        'maxSelect',
        field.values.length === 0 || field.maxSelect <= field.values.length,
        'invalid_number',
        'Cannot exceed the number of values.',
      );
      break;
    }
    case 'json': {
      field.maxSize = read.count('maxSize', 0);
      break;
    }
    case 'editor': {
      field.maxSize = read.count('maxSize', 0);
      field.convertURLs = read.bool('convertURLs');
      break;
    }
    case 'relation': {
      field.collectionId = resolveRelationTarget(read.string('collectionId'), key, context);
      field.cascadeDelete = read.bool('cascadeDelete');
      field.minSelect = read.count('minSelect', 0);
      field.maxSelect = read.count('maxSelect', 1, 1);
      read.range(field.minSelect, field.maxSelect);
      break;
    }
    case 'file': {
      field.maxSelect = read.count('maxSelect', 1, 1);
      field.maxSize = read.count('maxSize', 0);
      field.mimeTypes = read.strings('mimeTypes');
      field.thumbs = read.strings('thumbs', (value) => parseThumbSize(value) !== undefined);
      field.protected = read.bool('protected');
      break;
    }
    case 'bool':
    case 'geoPoint':
      break;
  }
  return field;
}

function resolveRelationTarget(target: string, key: string, context: Context): string {
  if (target === '') {
    context.problems.add(`${key}.collectionId`, 'required', 'A relation needs the target collection.');
    return '';
  }
  if (target === context.ownId || target === context.ownName) return context.ownId;
  if (!context.getCollection) return target;
  const collection = context.getCollection(target);
  if (!collection) {
    context.problems.add(
      `${key}.collectionId`,
      'missing_collection',
      'The target collection does not exist.',
    );
    return target;
  }
  return collection.id;
}
