import { type ErrorDetails, InvalidPayloadError } from '@sluice/hooks';
import { isMultiple, isRolesField, type StorageKind, storageKind } from '../collections/fields.ts';
import { type GeoPoint, ORIGIN, parseGeoPoint } from '../collections/geo-point.ts';
import { idPattern, newId, randomFromPattern } from '../collections/ids.ts';
import type { Collection, Field, RecordData } from '../collections/types.ts';
import { isJsonObject } from '../json.ts';
import { formatDate, nowDate, parseDate } from './dates.ts';
import { hashPassword, verifyPassword } from './password.ts';

export interface ValidateOptions {
  /** The stored row (as `findRecordById` returns it) when updating; absent when creating. */
  existing?: Record<string, unknown>;
  /** A superuser, or an auth record with manage access to this collection. */
  isAdmin: boolean;
  getCollection?: (idOrName: string) => Collection | undefined;
  /** Of the role ids given, those that name no role (checked when an auth record's `roles` change). */
  unknownRoles?: (ids: string[]) => Promise<string[]>;
}

export interface DecodeOptions {
  isAdmin?: boolean;
  showEmail?: boolean;
  /** Keeps hidden fields (password hash, tokenKey…) for internal use; never for responses. */
  includeHidden?: boolean;
}

const ignoredKeys = new Set(['collectionId', 'collectionName', 'expand']);
const authInputKeys = new Set(['passwordConfirm', 'oldPassword']);
const defaultTextMax = 5000;
const defaultJsonMaxSize = 1 << 20;
/** PocketBase's limit for an `editor` field without `maxSize`. */
const defaultEditorMaxSize = 5 << 20;
const relationIdPattern = /^[A-Za-z0-9_]{1,100}$/;
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const urlPattern = /^[a-z][a-z0-9+.-]*:\/\/\S+$/i;

type Problems = ErrorDetails;

function fail(problems: Problems, key: string, code: string, message: string): undefined {
  if (!(key in problems)) problems[key] = { code: `validation_${code}`, message };
  return undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A stored value (or an already decoded one) as the API shows it. */
function decodeValue(kind: StorageKind, value: unknown): unknown {
  switch (kind) {
    case 'text':
      return value ?? '';
    case 'number':
      return typeof value === 'number' ? value : Number(value ?? 0);
    case 'bool':
      return value === 1 || value === true || value === '1';
    case 'json':
      return typeof value === 'string' ? (parseJson(value) ?? null) : (value ?? null);
    case 'multiple': {
      if (Array.isArray(value)) return value;
      const parsed = typeof value === 'string' ? parseJson(value) : undefined;
      return Array.isArray(parsed) ? parsed : [];
    }
    case 'point':
      return parseGeoPoint(value) ?? { ...ORIGIN };
  }
}

function encodeValue(kind: StorageKind, value: unknown): unknown {
  switch (kind) {
    case 'bool':
      return value ? 1 : 0;
    case 'json':
      return value === null || value === undefined ? null : JSON.stringify(value);
    case 'multiple':
    case 'point':
      return JSON.stringify(value);
    default:
      return value;
  }
}

function isOrigin(point: GeoPoint): boolean {
  return point.lon === ORIGIN.lon && point.lat === ORIGIN.lat;
}

function isBlank(value: unknown): boolean {
  if (value === null || value === undefined || value === '' || value === 0 || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  return isJsonObject(value) && Object.keys(value).length === 0;
}

function domainOf(field: Field, host: string, problems: Problems, code: string): void {
  const domain = host.toLowerCase();
  const only = field.onlyDomains ?? [];
  const except = field.exceptDomains ?? [];
  if (
    (only.length > 0 && !only.some((d) => d.toLowerCase() === domain)) ||
    except.some((d) => d.toLowerCase() === domain)
  ) {
    fail(problems, field.name, code, 'The domain is not allowed.');
  }
}

function toText(field: Field, value: unknown, problems: Problems): string | undefined {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return fail(problems, field.name, 'invalid_value', 'Must be a string.');
}

function checkLength(field: Field, text: string, problems: Problems, defaultMax: number): void {
  if (text === '') return;
  const length = [...text].length;
  const min = typeof field.min === 'number' ? field.min : 0;
  const max = typeof field.max === 'number' && field.max > 0 ? field.max : defaultMax;
  if (length < min) fail(problems, field.name, 'min_text_constraint', `Must be at least ${min} characters.`);
  else if (length > max)
    fail(problems, field.name, 'max_text_constraint', `Must be at most ${max} characters.`);
  else if (field.pattern && !new RegExp(field.pattern).test(text)) {
    fail(problems, field.name, 'invalid_format', 'Invalid value format.');
  }
}

function toNumber(field: Field, value: unknown, problems: Problems): number | undefined {
  let number: number;
  if (value === null || value === undefined || value === '') number = 0;
  else if (typeof value === 'number') number = value;
  else if (typeof value === 'string' && value.trim() !== '') number = Number(value);
  else return fail(problems, field.name, 'invalid_number', 'Must be a number.');
  if (!Number.isFinite(number)) return fail(problems, field.name, 'invalid_number', 'Must be a number.');
  if (field.onlyInt && !Number.isInteger(number)) {
    return fail(problems, field.name, 'only_int_constraint', 'Must be a whole number.');
  }
  if (typeof field.min === 'number' && number < field.min) {
    return fail(problems, field.name, 'min_number_constraint', `Must be at least ${field.min}.`);
  }
  if (typeof field.max === 'number' && number > field.max) {
    return fail(problems, field.name, 'max_number_constraint', `Must be at most ${field.max}.`);
  }
  return number;
}

function toBool(field: Field, value: unknown, problems: Problems): boolean | undefined {
  if (value === true || value === 1 || value === 'true' || value === '1') return true;
  if (value === false || value === 0 || value === 'false' || value === '0' || value === '' || value == null)
    return false;
  return fail(problems, field.name, 'invalid_bool', 'Must be a boolean.');
}

function toList(field: Field, value: unknown, problems: Problems): string[] | undefined {
  if (value === null || value === undefined || value === '') return [];
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((entry) => typeof entry === 'string')) {
    return fail(problems, field.name, 'invalid_value', 'Must be a string or a list of strings.');
  }
  return [...new Set((list as string[]).filter((entry) => entry !== ''))];
}

function toChoices(field: Field, value: unknown, problems: Problems): string | string[] | undefined {
  const list = toList(field, value, problems);
  if (!list) return undefined;
  if (field.type === 'select') {
    const allowed = new Set(field.values ?? []);
    if (!list.every((entry) => allowed.has(entry))) {
      return fail(problems, field.name, 'invalid_value', `Must be one of: ${[...allowed].join(', ')}.`);
    }
  }
  if (field.type === 'relation') {
    if (!list.every((entry) => relationIdPattern.test(entry))) {
      return fail(problems, field.name, 'invalid_value', 'Must be record ids.');
    }
  }
  if (!isMultiple(field)) return list.at(-1) ?? '';
  const max = field.maxSelect ?? 1;
  if (list.length > max) return fail(problems, field.name, 'too_many_values', `Select at most ${max}.`);
  if (field.minSelect && list.length > 0 && list.length < field.minSelect) {
    return fail(problems, field.name, 'not_enough_values', `Select at least ${field.minSelect}.`);
  }
  return list;
}

function toJson(field: Field, value: unknown, problems: Problems): unknown {
  if (value === undefined || value === null) return null;
  let parsed: unknown = value;
  if (typeof value === 'string') {
    const decoded = parseJson(value);
    parsed = decoded === undefined ? value : decoded;
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(parsed);
  } catch {
    text = undefined;
  }
  if (text === undefined) return fail(problems, field.name, 'invalid_json', 'Must be JSON.');
  const max = field.maxSize && field.maxSize > 0 ? field.maxSize : defaultJsonMaxSize;
  if (Buffer.byteLength(text) > max)
    return fail(problems, field.name, 'json_size_limit', `Must be at most ${max} bytes.`);
  return parsed;
}

function toValue(field: Field, value: unknown, problems: Problems): unknown {
  switch (field.type) {
    case 'text': {
      const text = toText(field, value, problems);
      if (text !== undefined) checkLength(field, text, problems, defaultTextMax);
      return text;
    }
    case 'password': {
      const text = toText(field, value, problems);
      if (text !== undefined) checkLength(field, text, problems, Number.POSITIVE_INFINITY);
      return text;
    }
    case 'number':
      return toNumber(field, value, problems);
    case 'bool':
      return toBool(field, value, problems);
    case 'email': {
      const text = toText(field, value, problems)?.trim();
      if (!text) return text;
      if (!emailPattern.test(text))
        return fail(problems, field.name, 'invalid_email', 'Must be a valid email address.');
      domainOf(field, text.slice(text.lastIndexOf('@') + 1), problems, 'email_domain_not_allowed');
      return text;
    }
    case 'url': {
      const text = toText(field, value, problems)?.trim();
      if (!text) return text;
      let url: URL | undefined;
      try {
        url = urlPattern.test(text) ? new URL(text) : undefined;
      } catch {
        url = undefined;
      }
      if (!url) return fail(problems, field.name, 'invalid_url', 'Must be a valid url.');
      domainOf(field, url.hostname, problems, 'url_domain_not_allowed');
      return text;
    }
    case 'date': {
      if (value === null || value === undefined || value === '') return '';
      const date = parseDate(value);
      if (!date) return fail(problems, field.name, 'invalid_date', 'Must be a valid date.');
      const text = formatDate(date);
      if (typeof field.min === 'string' && field.min !== '' && text < field.min) {
        return fail(problems, field.name, 'min_date_constraint', `Must be no earlier than ${field.min}.`);
      }
      if (typeof field.max === 'string' && field.max !== '' && text > field.max) {
        return fail(problems, field.name, 'max_date_constraint', `Must be no later than ${field.max}.`);
      }
      return text;
    }
    case 'select':
    case 'relation':
    case 'file':
      return toChoices(field, value, problems);
    case 'json':
      return toJson(field, value, problems);
    case 'autodate':
      return value;
    case 'editor': {
      const text = toText(field, value, problems);
      const max = field.maxSize && field.maxSize > 0 ? field.maxSize : defaultEditorMaxSize;
      if (text !== undefined && Buffer.byteLength(text) > max)
        return fail(problems, field.name, 'max_size_constraint', `Must be at most ${max} bytes.`);
      return text;
    }
    case 'geoPoint': {
      if (value === null || value === undefined || value === '') return { ...ORIGIN };
      return (
        parseGeoPoint(value) ??
        fail(problems, field.name, 'invalid_geo_point', 'Must be {lon, lat} within ±180 and ±90 degrees.')
      );
    }
  }
}

type Modifier = '+prefix' | '+suffix' | '-suffix';

function applyModifier(
  field: Field,
  current: unknown,
  modifier: Modifier,
  operand: unknown,
  problems: Problems,
) {
  const key = modifier === '+prefix' ? `+${field.name}` : `${field.name}${modifier[0]}`;
  if (field.type === 'number' && modifier !== '+prefix') {
    const amount = toNumber({ ...field, min: null, max: null, onlyInt: false }, operand, problems);
    if (amount === undefined) return current;
    return Number(current ?? 0) + (modifier === '+suffix' ? amount : -amount);
  }
  if (field.type === 'select' || field.type === 'relation' || field.type === 'file') {
    const list = toList(field, operand, problems) ?? [];
    const before = Array.isArray(current) ? (current as string[]) : current ? [current as string] : [];
    if (modifier === '-suffix') {
      const after = before.filter((entry) => !list.includes(entry));
      return isMultiple(field) ? after : (after[0] ?? '');
    }
    const after = modifier === '+prefix' ? [...list, ...before] : [...before, ...list];
    // a single-value field keeps the last value, as PocketBase's setters do
    return isMultiple(field) ? after : (after.at(-1) ?? '');
  }
  fail(problems, key, 'unknown_field', 'Unknown field.');
  return current;
}

const modifierPattern = /^(\+)?([A-Za-z_][A-Za-z0-9_]*)([+-])?$/;

function fieldsByName(collection: Collection): Map<string, Field> {
  let map = fieldMaps.get(collection);
  if (!map) {
    map = new Map(collection.fields.map((field) => [field.name, field]));
    fieldMaps.set(collection, map);
  }
  return map;
}
const fieldMaps = new WeakMap<Collection, Map<string, Field>>();

/**
 * Validates a create (no `existing`) or update body and returns the values to store, encoded for
 * the database: every column on create, the changed ones on update. Problems are reported together.
 */
export async function validateRecordInput(
  collection: Collection,
  input: unknown,
  options: ValidateOptions,
): Promise<{ values: Record<string, unknown> }> {
  if (!isJsonObject(input)) throw new InvalidPayloadError('The record must be a JSON object.');
  const { existing, isAdmin } = options;
  const creating = existing === undefined;
  const isAuth = collection.type === 'auth';
  const byName = fieldsByName(collection);
  const problems: Problems = {};
  const plain = new Map<Field, unknown>();
  const modifiers: [Field, Modifier, unknown][] = [];

  for (const [key, value] of Object.entries(input)) {
    if (ignoredKeys.has(key) || (isAuth && authInputKeys.has(key))) continue;
    const field = byName.get(key);
    if (field) {
      plain.set(field, value);
      continue;
    }
    const match = modifierPattern.exec(key);
    const target =
      match && (match[1] === undefined) !== (match[3] === undefined) ? byName.get(match[2]) : undefined;
    if (!target || target.type === 'autodate' || target.system) {
      fail(problems, key, 'unknown_field', 'Unknown field.');
      continue;
    }
    modifiers.push([target, match![1] ? '+prefix' : match![3] === '+' ? '+suffix' : '-suffix', value]);
  }

  const now = nowDate();
  const values: Record<string, unknown> = {};
  const merged: Record<string, unknown> = {};
  let newPassword: string | undefined;

  for (const field of collection.fields) {
    const kind = storageKind(field);
    const current = creating ? undefined : decodeValue(kind, existing[field.name]);
    const touched = plain.has(field) || modifiers.some(([target]) => target === field);

    if (field.primaryKey) {
      const id = plain.get(field);
      if (creating) {
        if (id === undefined || id === null || id === '') values[field.name] = newId();
        else if (typeof id === 'string' && idPattern.test(id)) values[field.name] = id;
        else fail(problems, field.name, 'invalid_id', 'Must be 15 characters, a-z and 0-9.');
      } else if (id !== undefined && id !== current) {
        fail(problems, field.name, 'id_immutable', 'The id cannot be changed.');
      }
      continue;
    }
    if (field.type === 'autodate') {
      if (creating ? field.onCreate : field.onUpdate) values[field.name] = now;
      continue;
    }
    if (isAuth && field.system && field.name === 'tokenKey') {
      const given = plain.get(field);
      if (isAdmin && typeof given === 'string' && given !== '') values[field.name] = given;
      else if (creating)
        values[field.name] = randomFromPattern(field.autogeneratePattern || '[a-zA-Z0-9]{50}');
      continue;
    }
    if (isAuth && isRolesField(field)) {
      const before = roleIdsOf(current);
      const after = touched ? toRoleIds(plain.get(field), field.name, problems) : before;
      if (after === undefined) continue;
      if (!sameIds(before, after) && !isAdmin)
        fail(problems, field.name, 'forbidden', 'Only superusers and admin-access roles can change this.');
      else if (creating || !sameIds(before, after)) {
        const unknown = await options.unknownRoles?.(after.filter((id) => !before.includes(id)));
        if (unknown?.length) fail(problems, field.name, 'missing_role', `Unknown role "${unknown[0]}".`);
        values[field.name] = JSON.stringify(after);
      }
      merged[field.name] = after;
      continue;
    }
    if (!creating && !touched) {
      merged[field.name] = current;
      continue;
    }

    let value = plain.has(field) ? plain.get(field) : current;
    for (const [target, modifier, operand] of modifiers) {
      if (target === field)
        value = applyModifier(field, toValue(field, value, {}) ?? value, modifier, operand, problems);
    }
    let decoded = toValue(field, value, problems);
    if (decoded === undefined && field.name in problems) continue;

    if (field.type === 'text' && decoded === '' && creating && field.autogeneratePattern) {
      decoded = randomFromPattern(field.autogeneratePattern) ?? '';
    }
    if (field.type === 'password') {
      if (decoded !== '') {
        newPassword = decoded as string;
        merged[field.name] = decoded;
      } else merged[field.name] = current;
      continue;
    }
    merged[field.name] = decoded;
    values[field.name] = encodeValue(kind, decoded);
  }

  for (const field of collection.fields) {
    if (!field.required || field.primaryKey || field.type === 'autodate' || field.name in problems) continue;
    if (isAuth && field.system && field.name === 'tokenKey') continue;
    const value = merged[field.name];
    const blank = field.type === 'geoPoint' ? isOrigin(value as GeoPoint) : isBlank(value);
    if (field.name in merged && blank) fail(problems, field.name, 'required', 'Cannot be blank.');
  }

  if (isAuth) await checkAuthRules(input, merged, existing, isAdmin, newPassword, problems);
  checkRelationTargets(collection, merged, options, problems);

  if (Object.keys(problems).length > 0) {
    throw new InvalidPayloadError(
      creating ? 'Failed to create record.' : 'Failed to update record.',
      problems,
    );
  }

  for (const field of collection.fields) {
    const plainText = field.type === 'password' && plain.has(field) ? merged[field.name] : undefined;
    if (typeof plainText === 'string' && plainText !== '') values[field.name] = await hashPassword(plainText);
  }
  if (isAuth && !creating && typeof values.password === 'string' && !('tokenKey' in values)) {
    values.tokenKey = randomFromPattern(byName.get('tokenKey')?.autogeneratePattern || '[a-zA-Z0-9]{50}');
  }
  return { values };
}

/** The role ids an auth record's `roles` holds (none when it was never set). */
export function roleIdsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
}

/** A `roles` input: a list of ids, or (from a form) one id or a JSON list; null or '' for none. */
function toRoleIds(value: unknown, key: string, problems: Problems): string[] | undefined {
  let list = value;
  if (value === null || value === '') list = [];
  else if (typeof value === 'string') list = value.startsWith('[') ? parseJson(value) : [value];
  if (Array.isArray(list) && list.every((id) => typeof id === 'string' && relationIdPattern.test(id)))
    return [...new Set(list as string[])];
  return fail(problems, key, 'invalid_value', 'Must be a list of role ids.');
}

function sameIds(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}

async function checkAuthRules(
  input: Record<string, unknown>,
  merged: Record<string, unknown>,
  existing: Record<string, unknown> | undefined,
  isAdmin: boolean,
  newPassword: string | undefined,
  problems: Problems,
): Promise<void> {
  const creating = existing === undefined;
  if (newPassword !== undefined && !('password' in problems)) {
    if (input.passwordConfirm !== newPassword) {
      fail(problems, 'passwordConfirm', 'values_mismatch', 'Values don\u2019t match.');
    }
    if (!creating && !isAdmin) {
      const old = input.oldPassword;
      const stored = typeof existing.password === 'string' ? existing.password : '';
      if (typeof old !== 'string' || old === '' || !(await verifyPassword(old, stored))) {
        fail(problems, 'oldPassword', 'invalid_old_password', 'Missing or invalid old password.');
      }
    }
  }
  if (isAdmin) return;
  if (
    'verified' in merged &&
    merged.verified !== (creating ? false : decodeValue('bool', existing.verified))
  ) {
    fail(problems, 'verified', 'forbidden', 'Only superusers and managers can change this.');
  }
  if (!creating && 'email' in merged && merged.email !== (existing.email ?? '')) {
    fail(problems, 'email', 'forbidden', 'Request an email change instead.');
  }
}

function checkRelationTargets(
  collection: Collection,
  merged: Record<string, unknown>,
  options: ValidateOptions,
  problems: Problems,
): void {
  if (!options.getCollection) return;
  for (const field of collection.fields) {
    if (field.type !== 'relation' || field.name in problems || isBlank(merged[field.name])) continue;
    if (!options.getCollection(field.collectionId ?? '')) {
      fail(problems, field.name, 'missing_rel_collection', 'The related collection does not exist.');
    }
  }
}

interface Decoder {
  collectionId: string;
  collectionName: string;
  names: string[];
  kinds: StorageKind[];
  emailIndex: number;
  rolesIndex: number;
  auth: boolean;
}

const decoders = new WeakMap<Collection, Decoder>();
const decodersWithHidden = new WeakMap<Collection, Decoder>();

function decoderFor(collection: Collection, includeHidden: boolean): Decoder {
  const cache = includeHidden ? decodersWithHidden : decoders;
  let decoder = cache.get(collection);
  if (decoder) return decoder;
  const visible = collection.fields.filter(
    (field) =>
      includeHidden ||
      !(field.hidden || field.type === 'password' || (field.system && field.name === 'tokenKey')),
  );
  const auth = collection.type === 'auth';
  decoder = {
    collectionId: collection.id,
    collectionName: collection.name,
    names: visible.map((field) => field.name),
    kinds: visible.map(storageKind),
    emailIndex: auth ? visible.findIndex((field) => field.system && field.name === 'email') : -1,
    rolesIndex: auth ? visible.findIndex(isRolesField) : -1,
    auth,
  };
  cache.set(collection, decoder);
  return decoder;
}

/** A stored row in the API's shape: `{ collectionId, collectionName, id, …fields }`, hidden fields left out. */
export function decodeRecord(
  collection: Collection,
  row: Record<string, unknown>,
  options: DecodeOptions = {},
): RecordData {
  const decoder = decoderFor(collection, options.includeHidden === true);
  const hideEmail =
    decoder.auth &&
    !options.isAdmin &&
    !options.showEmail &&
    !options.includeHidden &&
    !decodeValue('bool', row.emailVisibility);
  // a record's roles are shown to superusers and to the record itself
  const hideRoles = decoder.auth && !options.isAdmin && !options.showEmail && !options.includeHidden;
  const record: Record<string, unknown> = {
    collectionId: decoder.collectionId,
    collectionName: decoder.collectionName,
  };
  const { names, kinds } = decoder;
  for (let i = 0; i < names.length; i++) {
    if (hideEmail && i === decoder.emailIndex) continue;
    const value = row[names[i]];
    if (value === undefined || (hideRoles && i === decoder.rolesIndex)) continue;
    if (i === decoder.rolesIndex) {
      record[names[i]] = roleIdsOf(decodeValue('json', value));
      continue;
    }
    record[names[i]] = kinds[i] === 'text' ? (value ?? '') : decodeValue(kinds[i], value);
  }
  return record as RecordData;
}
