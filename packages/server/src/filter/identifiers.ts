import { sql } from 'kysely';
import type { Field } from '../collections/types.ts';
import type { Operand } from './ast.ts';
import { param } from './dialect-sql.ts';
import { invalidFilter } from './errors.ts';
import { type PathOptions, resolvePath } from './field-paths.ts';
import { resolveFunction } from './functions.ts';
import { resolveDateMacro } from './macros.ts';
import type { CompileState, Value } from './values.ts';

type Modifier = 'lower' | 'length' | 'each' | 'isset';
const modifiers = new Set<string>(['lower', 'length', 'each', 'isset']);

/** Resolves one side of a comparison. */
export function resolveOperand(state: CompileState, operand: Operand): Value {
  switch (operand.kind) {
    case 'string':
    case 'number':
    case 'boolean':
      return { kind: 'constant', value: operand.value };
    case 'null':
      return { kind: 'constant', value: null };
    case 'identifier':
      return resolveIdentifier(state, operand.name, operand.position);
    case 'call':
      return resolveFunction(state, operand, (arg) => resolveOperand(state, arg));
  }
}

function resolveIdentifier(state: CompileState, identifier: string, position: number): Value {
  const { base, modifier } = splitModifier(identifier, position);
  const options: PathOptions = { identifier, position, length: modifier === 'length' };
  const segments = base.split('.');
  if (segments.some((segment) => segment === '')) throw unknownIdentifier(identifier, position);
  if (modifier === 'isset' && !(segments[0] === '@request' && segments[1] === 'body')) {
    throw invalidFilter(`":isset" only applies to @request.body fields, at position ${position}`);
  }

  let value: Value;
  if (segments[0] === '@request') {
    value = resolveRequest(state, segments, modifier, options);
  } else if (segments[0] === '@collection') {
    value = resolveCollection(state, segments, options);
  } else if (segments[0].startsWith('@')) {
    if (segments.length !== 1) throw unknownIdentifier(identifier, position);
    const macro = resolveDateMacro(segments[0], state.ctx.now ?? new Date());
    if (macro === undefined) throw unknownIdentifier(identifier, position);
    value = { kind: 'constant', value: macro };
  } else {
    const table = state.ctx.tableAlias ?? state.ctx.collection.name;
    value = resolvePath(
      state,
      { collection: state.ctx.collection, read: (field) => sql.id(table, field.name), nullable: false },
      segments,
      options,
    );
  }
  return applyModifier(value, modifier, options);
}

function splitModifier(identifier: string, position: number): { base: string; modifier?: Modifier } {
  const lastDot = identifier.lastIndexOf('.');
  const colon = identifier.indexOf(':', lastDot + 1);
  if (colon === -1) return { base: identifier };
  const modifier = identifier.slice(colon + 1);
  if (!modifiers.has(modifier)) {
    throw invalidFilter(`unknown modifier ${JSON.stringify(':' + modifier)} at position ${position + colon}`);
  }
  return { base: identifier.slice(0, colon), modifier: modifier as Modifier };
}

function applyModifier(value: Value, modifier: Modifier | undefined, options: PathOptions): Value {
  switch (modifier) {
    case 'lower':
      if (value.kind === 'constant') {
        return { kind: 'constant', value: value.value == null ? null : String(value.value).toLowerCase() };
      }
      return { ...value, type: 'text', render: () => sql`LOWER(${value.render('text')})` };
    case 'each':
      if (value.kind === 'scalar') {
        throw invalidFilter(
          `":each" needs a multi-valued field in ${JSON.stringify(options.identifier)} at position ${options.position}`,
        );
      }
      return { ...value, each: true };
    case 'length':
      // Fields were measured while resolving the path; here only request data is left.
      if (value.kind === 'constant') {
        return { kind: 'constant', value: Array.isArray(value.value) ? value.value.length : 0 };
      }
      return value;
    default:
      return value;
  }
}

function resolveRequest(
  state: CompileState,
  segments: string[],
  modifier: Modifier | undefined,
  options: PathOptions,
): Value {
  const { ctx } = state;
  const [, source, ...path] = segments;
  if (source === 'method' && path.length === 0) return { kind: 'constant', value: ctx.method ?? 'GET' };
  if (path.length === 0) throw unknownIdentifier(options.identifier, options.position);
  switch (source) {
    case 'auth':
      return resolveAuth(state, path, options);
    case 'body':
      if (modifier === 'isset') {
        return { kind: 'constant', value: ctx.body !== undefined && lookup(ctx.body, path) !== undefined };
      }
      return { kind: 'constant', value: lookup(ctx.body, path) ?? null };
    case 'query':
      return { kind: 'constant', value: lookup(ctx.query, path) ?? null };
    case 'headers':
      return { kind: 'constant', value: lookup(ctx.headers, path) ?? null };
    default:
      throw unknownIdentifier(options.identifier, options.position);
  }
}

/**
 * `@request.auth.field` is a known value; `@request.auth.relation.field` looks the related record
 * up in SQL. Guests resolve everything to NULL, which compares equal to ''.
 */
function resolveAuth(state: CompileState, path: string[], options: PathOptions): Value {
  const { auth, getCollection, dialect, allowHiddenFields } = state.ctx;
  if (!auth) return { kind: 'constant', value: null };
  const collectionRef = auth.collectionId ?? auth.collectionName;
  const collection = typeof collectionRef === 'string' ? getCollection(collectionRef) : undefined;
  const field = collection?.fields.find((candidate) => candidate.name === path[0]);
  // A filter comparing against a password hash or token key would be an oracle for it.
  if (field?.hidden && !allowHiddenFields) throw unknownIdentifier(options.identifier, options.position);
  if (path.length === 1) {
    const value = auth[path[0]] ?? null;
    if (path[0] === 'id' && typeof auth.collectionId === 'string') {
      return { kind: 'constant', value, authOf: auth.collectionId };
    }
    return { kind: 'constant', value };
  }
  if (collection && field?.type === 'relation') {
    const read = (next: Field) => {
      const known = auth[next.name];
      return param(dialect, Array.isArray(known) ? JSON.stringify(known) : (known ?? ''), 'text');
    };
    return resolvePath(state, { collection, read, nullable: false }, path, options);
  }
  return { kind: 'constant', value: lookup(auth, path) ?? null };
}

/** `@collection.name.field` or `@collection.name:alias.field`: see the join in compile.ts. */
function resolveCollection(state: CompileState, segments: string[], options: PathOptions): Value {
  const [, reference, ...path] = segments;
  if (!reference || path.length === 0) throw unknownIdentifier(options.identifier, options.position);
  const [name, joinName = name, ...rest] = reference.split(':');
  const collection = state.ctx.getCollection(name);
  if (!collection || rest.length > 0 || joinName === '') {
    throw invalidFilter(`unknown collection ${JSON.stringify(name)} at position ${options.position}`);
  }
  let join = state.collectionJoins.get(joinName);
  if (!join) {
    state.spend('joins', 1);
    join = { alias: state.nextAlias('collection'), collection };
    state.collectionJoins.set(joinName, join);
  } else if (join.collection !== collection) {
    throw invalidFilter(
      `the alias ${JSON.stringify(joinName)} names two collections at position ${options.position}`,
    );
  }
  const alias = join.alias;
  return resolvePath(
    state,
    { collection, read: (field) => sql.id(alias, field.name), nullable: true },
    path,
    options,
  );
}

function lookup(source: unknown, path: string[]): unknown {
  let current = source;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function unknownIdentifier(identifier: string, position: number) {
  return invalidFilter(`unknown field ${JSON.stringify(identifier)} at position ${position}`);
}
